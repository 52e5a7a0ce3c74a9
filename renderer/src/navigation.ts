import {
  IconActivity,
  IconCalendarTime,
  IconCloudSearch,
  IconLayoutDashboard,
  IconListDetails,
  IconMail,
  IconMovie,
  IconPlugConnected,
  IconSettings,
  IconShieldCheck,
  IconTable,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { AuditPage } from './pages/AuditPage';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { FindingsPage } from './pages/FindingsPage';
import { MailPage } from './pages/MailPage';
import { MediaPage } from './pages/MediaPage';
import { OverviewPage } from './pages/OverviewPage';
import { RunsPage } from './pages/RunsPage';
import { SchedulesPage } from './pages/SchedulesPage';
import { SettingsPage } from './pages/SettingsPage';
import { SheetsPage } from './pages/SheetsPage';
import { StoragePage } from './pages/StoragePage';
import { UsersPage } from './pages/UsersPage';

export interface NavItem {
  path: string;
  label: string;
  icon: Icon;
  component: ComponentType;
}

/**
 * The sidebar, the routes and the Alt+N shortcuts all come from this list:
 * an engine adds its screen by adding one entry (the first nine get a shortcut).
 */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: '/', label: 'Overview', icon: IconLayoutDashboard, component: OverviewPage },
  { path: '/users', label: 'Users', icon: IconUsers, component: UsersPage },
  { path: '/media', label: 'Media', icon: IconMovie, component: MediaPage },
  { path: '/storage', label: 'Storage', icon: IconCloudSearch, component: StoragePage },
  { path: '/sheets', label: 'Sheets', icon: IconTable, component: SheetsPage },
  { path: '/mail', label: 'Mail', icon: IconMail, component: MailPage },
  { path: '/findings', label: 'Findings', icon: IconListDetails, component: FindingsPage },
  { path: '/runs', label: 'Runs', icon: IconActivity, component: RunsPage },
  { path: '/schedules', label: 'Schedules', icon: IconCalendarTime, component: SchedulesPage },
  { path: '/audit', label: 'Audit log', icon: IconShieldCheck, component: AuditPage },
  { path: '/connections', label: 'Connections', icon: IconPlugConnected, component: ConnectionsPage },
  { path: '/settings', label: 'Settings', icon: IconSettings, component: SettingsPage },
];

export function isCurrent(item: NavItem, location: string): boolean {
  return item.path === '/' ? location === '/' : location === item.path || location.startsWith(`${item.path}/`);
}
