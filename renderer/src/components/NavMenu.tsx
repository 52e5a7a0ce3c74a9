import { NavLink, Stack, Text } from '@mantine/core';
import { Link, useLocation } from 'wouter';
import { NAV_ITEMS, isCurrent } from '../navigation';

/** The sidebar, built from NAV_ITEMS; each entry shows its Alt+N shortcut. */
export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const [location] = useLocation();
  return (
    <Stack gap={4} component="nav" aria-label="Main">
      {NAV_ITEMS.map((item, index) => {
        const Icon = item.icon;
        const shortcut = index < 9 ? `Alt+${index + 1}` : undefined;
        const current = isCurrent(item, location);
        return (
          <NavLink
            key={item.path}
            component={Link}
            href={item.path}
            label={item.label}
            leftSection={<Icon size={18} stroke={1.7} aria-hidden />}
            rightSection={
              shortcut && (
                <Text size="xs" c="dimmed" aria-hidden>
                  {shortcut}
                </Text>
              )
            }
            active={current}
            aria-current={current ? 'page' : undefined}
            aria-keyshortcuts={shortcut}
            onClick={onNavigate}
            variant="light"
          />
        );
      })}
    </Stack>
  );
}
