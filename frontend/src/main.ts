import { mount } from 'svelte';
import App from './App.svelte';
import { wailsApi } from './lib/api';
import { guardNavigation } from './lib/navguard';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('main: #app missing');

guardNavigation(window);

export default mount(App, { target, props: { api: wailsApi } });
