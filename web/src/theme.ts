import { createTheme } from '@mantine/core';

/**
 * The console's Mantine theme. Read twice: by the app, and at build time by vite.config.ts, which writes the theme's
 * CSS variables into the stylesheet (the Content-Security-Policy allows no inline <style>, where Mantine puts them).
 * System fonts only: nothing is fetched from another origin.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
});
