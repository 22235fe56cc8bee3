import { dirname, join } from 'node:path';

/**
 * The chart's typeface travels with the product: Noto Sans SC (SIL OFL 1.1), regular and bold, from the npm
 * registry. A worker renders the same labels on any machine, with or without system fonts, so Chinese never turns
 * into empty boxes on a server that has no CJK font installed. It covers Latin and digits too, so English charts
 * use it as well.
 */
export const CHART_FONT_FAMILY = 'Noto Sans SC';

const PACKAGE_DIR = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));

/** The font files a chart is drawn with; no system font is consulted. */
export const CHART_FONT_FILES: readonly string[] = [
  join(PACKAGE_DIR, '400Regular', 'NotoSansSC_400Regular.ttf'),
  join(PACKAGE_DIR, '700Bold', 'NotoSansSC_700Bold.ttf'),
];
