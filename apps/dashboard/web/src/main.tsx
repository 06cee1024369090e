import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { applyTheme, currentTheme } from './lib/theme';
import './styles/app.css';

// before the first render, so the page never flashes in the wrong theme
applyTheme(currentTheme());

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
