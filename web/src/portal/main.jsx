// main.jsx — the customer portal's entry point (bundled by web/build.mjs into
// portal.html, which heed serves for /portal and /portal/...).
import { render } from 'preact';
import { portal } from './api.js';
import { Portal } from './app.jsx';
import './portal.css';

// Whether a customer is signed in: asked at once, while the first render happens.
const first = portal('GET', '/session', { quiet401: true });
first.catch(() => { /* Portal handles it */ });
render(<Portal first={first} />, document.getElementById('app'));
