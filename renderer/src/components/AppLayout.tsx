import { AppShell, Burger, Group, Text, ThemeIcon } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconRefreshDot } from '@tabler/icons-react';
import type { MouseEvent, ReactNode } from 'react';
import { useNavHotkeys } from '../hooks/useNavHotkeys';
import { usePageTitle } from '../hooks/usePageTitle';
import { useThemeSetting } from '../hooks/useThemeSetting';
import { ActiveRunsBadge } from './ActiveRunsBadge';
import { ConnectionBanner } from './ConnectionBanner';
import { ConnectionStatus } from './ConnectionStatus';
import classes from './AppLayout.module.css';
import { NavMenu } from './NavMenu';

/** Header (name, live runs, connection), sidebar, and the page. */
export function AppLayout({ children }: { children: ReactNode }) {
  const [navOpened, nav] = useDisclosure(false);
  useNavHotkeys();
  usePageTitle();
  useThemeSetting();

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !navOpened } }} padding="lg">
      <a href="#main" className={classes.skipLink} onClick={skipToMain}>
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <ThemeIcon size={30} radius="md" variant="filled" aria-hidden>
              <IconRefreshDot size={18} />
            </ThemeIcon>
            <Text fw={700} size="lg" component="span">
              Syncwarden
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ActiveRunsBadge />
            <ConnectionStatus />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <NavMenu onNavigate={nav.close} />
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} className={classes.main}>
        <ConnectionBanner />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}

/** Hash routing owns the URL fragment, so move focus by hand instead of following "#main". */
function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
