// mailframe.jsx — an e-mail's HTML, as heed sanitized it
// (GET /api/v1/messages/{id}/html), in a sandboxed iframe: no scripts, an
// opaque origin (no allow-same-origin), remote images blocked until the agent
// asks for them (?images=1). The server's answer carries the count of blocked
// images in X-Heed-Blocked-Images; the frame can't be measured from here, so
// it has a fixed height the agent can drag taller.
import { useEffect, useState } from 'preact/hooks';

export function MailFrame({ m, who }) {
  const [images, setImages] = useState(false);
  const [blocked, setBlocked] = useState(0);
  const url = `/api/v1/messages/${m.id}/html`;

  useEffect(() => {
    let gone = false;
    fetch(url, { credentials: 'same-origin', cache: 'no-store' })
      .then((r) => {
        const n = Number(r.headers.get('X-Heed-Blocked-Images') || 0);
        if (!gone && r.ok && n > 0) setBlocked(n);
      })
      .catch(() => { /* no button then */ });
    return () => { gone = true; };
  }, [m.id]);

  return (
    <div class="mailframe">
      <div class="mailframe-box">
        <iframe src={images ? `${url}?images=1` : url} sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerpolicy="no-referrer" title={`E-mail from ${who} (HTML)`}
          data-images={images ? '1' : '0'} />
      </div>
      {blocked > 0 && !images && (
        <button type="button" class="linkish" onClick={() => setImages(true)}>
          Show images ({blocked} blocked)
        </button>
      )}
    </div>
  );
}
