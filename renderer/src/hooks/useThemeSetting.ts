import { useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import type { Settings } from '@core/api';
import { useEffect } from 'react';
import { useApiQuery } from './useApi';

const SCHEME: Record<Settings['theme'], MantineColorScheme> = { system: 'auto', light: 'light', dark: 'dark' };

/** The `theme` setting overrides the OS preference; `system` hands it back to the OS. */
export function useThemeSetting(): void {
  const { setColorScheme } = useMantineColorScheme();
  const theme = useApiQuery('settings.get', {}).data?.theme;
  useEffect(() => {
    if (theme) setColorScheme(SCHEME[theme]);
  }, [theme, setColorScheme]);
}
