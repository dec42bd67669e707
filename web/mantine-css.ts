import {
  convertCssVariables,
  defaultCssVariablesResolver,
  keys,
  mergeMantineTheme,
  DEFAULT_THEME,
  px,
  em,
} from '@mantine/core';
import type { Plugin } from 'vite';
import { cssVariablesResolver, theme } from './src/theme.ts';

const ID = 'virtual:mantine-theme.css';

/**
 * What MantineProvider would inject as inline <style> elements (its theme's CSS variables and the global
 * visible-from/hidden-from classes), written instead into the stylesheet at build time, so the console runs under
 * `style-src 'self'`. The provider is told not to inject them (withCssVariables/withGlobalClasses false, main.tsx).
 */
export function mantineThemeCss(): Plugin {
  return {
    name: 'hush-mantine-theme-css',
    resolveId: (id) => (id === ID ? `\0${ID}` : undefined),
    load(id) {
      if (id !== `\0${ID}`) return undefined;
      const merged = mergeMantineTheme(DEFAULT_THEME, theme);
      const base = defaultCssVariablesResolver(merged);
      const own = cssVariablesResolver(merged);
      const variables = convertCssVariables(
        {
          variables: { ...base.variables, ...own.variables },
          light: { ...base.light, ...own.light },
          dark: { ...base.dark, ...own.dark },
        },
        ':root',
      );
      const scheme = convertCssVariables(
        { variables: {}, dark: { '--mantine-color-scheme': 'dark' }, light: { '--mantine-color-scheme': 'light' } },
        ':root',
      );
      const classes = keys(merged.breakpoints)
        .map((bp) => {
          const value = String(merged.breakpoints[bp]);
          const n = px(value) as number;
          const below = value.includes('px') ? `${n - 0.1}px` : em(n - 0.1);
          const above = value.includes('px') ? `${n}px` : em(n);
          return `@media (max-width: ${below}) {.mantine-visible-from-${bp} {display: none !important;}}@media (min-width: ${above}) {.mantine-hidden-from-${bp} {display: none !important;}}`;
        })
        .join('');
      return `${variables}${scheme}${classes}`;
    },
  };
}
