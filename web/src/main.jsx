// main.jsx — the agent web app's entry point (bundled by web/build.mjs).
import { render } from 'preact';
import { api } from './api.js';
import { App } from './app.jsx';
import './style.css';

// Who is signed in: asked at once, while the first render happens.
const first = api('GET', '/session', { quiet401: true });
first.catch(() => { /* App handles it; this only keeps it from counting as unhandled */ });
render(<App first={first} />, document.getElementById('app'));
