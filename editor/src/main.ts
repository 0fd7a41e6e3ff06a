import { monaco } from './monaco.js';

const host = document.getElementById('app')!;
host.style.height = '100vh';
monaco.editor.create(host, { value: 'strategy demo version 1\n', language: 'plaintext', automaticLayout: true });
