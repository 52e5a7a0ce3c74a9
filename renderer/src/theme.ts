import { Badge, createTheme } from '@mantine/core';
import badgeClasses from './components/Badge.module.css';

/** Mantine defaults with a calmer primary and system fonts (the CSP allows no web fonts from elsewhere). */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  cursorType: 'pointer',
  focusRing: 'auto',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
  components: {
    // Every badge wraps rather than truncates (Badge.module.css).
    Badge: Badge.extend({ classNames: { root: badgeClasses.root, label: badgeClasses.label } }),
  },
});
