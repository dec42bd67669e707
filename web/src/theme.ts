import {
  createTheme,
  DEFAULT_THEME,
  Modal,
  Notification,
  type CSSVariablesResolver,
  type MantineColorsTuple,
} from '@mantine/core';

/** A default palette with its two darkest shades darkened, so that text in them passes WCAG AA (4.5:1). */
const darker = (name: 'green' | 'red' | 'orange', s8: string, s9: string): MantineColorsTuple => {
  const base = DEFAULT_THEME.colors[name];
  return [base[0], base[1], base[2], base[3], base[4], base[5], base[6], base[7], s8, s9];
};

/**
 * The console's Mantine theme. Read twice: by the app, and at build time by vite.config.ts, which writes the theme's
 * CSS variables into the stylesheet (the Content-Security-Policy allows no inline <style>, where Mantine puts them).
 * System fonts only: nothing is fetched from another origin. Shade 8 is the primary one: the defaults (shade 6) do
 * not reach AA contrast for white text on buttons or coloured text on light badges, which axe-core checks.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  colors: {
    green: darker('green', '#237a36', '#1f6f30'),
    red: darker('red', '#c92a2a', '#b52424'),
    orange: darker('orange', '#b4440e', '#a8440f'),
  },
  components: {
    // Mantine locks the page's scrolling under a dialog with an injected <style>, which the CSP refuses: app.css
    // does it instead.
    Modal: Modal.extend({ defaultProps: { lockScroll: false, closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    // A notification's close button is an icon only: without a name a screen reader announces just "button".
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } }),
  },
});

/**
 * AA contrast where Mantine's defaults miss it: in the light scheme dimmed text one shade darker (gray 6 on white is
 * 3.3:1), and light and subtle backgrounds one shade lighter, so their shade-9 text stays readable when hovered; in
 * the dark scheme dimmed text one shade lighter.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(
      Object.keys(t.colors).flatMap((c) => [
        [`--mantine-color-${c}-light`, `var(--mantine-color-${c}-0)`],
        [`--mantine-color-${c}-light-hover`, `var(--mantine-color-${c}-1)`],
      ]),
    ),
  },
  // Dark: dimmed text (dark 2 on dark 7 is 4.1:1) one shade lighter.
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});
