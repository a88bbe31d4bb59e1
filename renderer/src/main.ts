import { mount } from 'svelte';
import { z } from 'zod';
import App from './App.svelte';
import './app.css';

// The page's CSP forbids eval; zod would otherwise probe `new Function` and log a violation.
z.config({ jitless: true });

mount(App, { target: document.getElementById('app')! });
