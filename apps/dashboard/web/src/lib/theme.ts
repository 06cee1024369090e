import { useCallback, useEffect, useState } from 'react';

export type Theme = 'dark' | 'light';

const STORAGE_KEY = 'homelab.theme';
const THEME_EVENT = 'homelab:theme';

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'dark' || value === 'light' ? value : null;
  } catch {
    return null;
  }
}

function systemTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The remembered choice, else the system's preference. */
export function currentTheme(): Theme {
  return stored() ?? systemTheme();
}

/** Sets `data-theme` on <html>; main.tsx calls it before the first render so nothing flashes. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
}

export function useTheme(): { theme: Theme; toggle: () => void } {
  const [theme, setTheme] = useState<Theme>(currentTheme);

  useEffect(() => {
    // follow the system while the user has not chosen
    const media = window.matchMedia('(prefers-color-scheme: light)');
    const onSystem = (): void => {
      if (stored() === null) setTheme(systemTheme());
    };
    const onOther = (): void => setTheme(currentTheme());
    media.addEventListener('change', onSystem);
    window.addEventListener(THEME_EVENT, onOther);
    return () => {
      media.removeEventListener('change', onSystem);
      window.removeEventListener(THEME_EVENT, onOther);
    };
  }, []);

  useEffect(() => applyTheme(theme), [theme]);

  const toggle = useCallback(() => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    setTheme(next);
    window.dispatchEvent(new Event(THEME_EVENT));
  }, []);

  return { theme, toggle };
}
