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
  IconServer2,
  type Icon,
} from '@tabler/icons-react';
import { lazy, type ComponentType } from 'react';

/**
 * Each page is its own chunk, loaded when first visited (App.tsx shows a
 * loader meanwhile): the console opens on one page and needs only its code.
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => lazy(() => load().then((module) => ({ default: module[name] })));
const AuditPage = page(() => import('./pages/AuditPage'), 'AuditPage');
const ConnectionsPage = page(() => import('./pages/ConnectionsPage'), 'ConnectionsPage');
const FindingsPage = page(() => import('./pages/FindingsPage'), 'FindingsPage');
const MailPage = page(() => import('./pages/MailPage'), 'MailPage');
const MediaPage = page(() => import('./pages/MediaPage'), 'MediaPage');
const OverviewPage = page(() => import('./pages/OverviewPage'), 'OverviewPage');
const RunsPage = page(() => import('./pages/RunsPage'), 'RunsPage');
const SchedulesPage = page(() => import('./pages/SchedulesPage'), 'SchedulesPage');
const SettingsPage = page(() => import('./pages/SettingsPage'), 'SettingsPage');
const SheetsPage = page(() => import('./pages/SheetsPage'), 'SheetsPage');
const StoragePage = page(() => import('./pages/StoragePage'), 'StoragePage');
const UsersPage = page(() => import('./pages/UsersPage'), 'UsersPage');
const WorkersPage = page(() => import('./pages/WorkersPage'), 'WorkersPage');

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
  { path: '/workers', label: 'Workers', icon: IconServer2, component: WorkersPage },
  { path: '/audit', label: 'Audit log', icon: IconShieldCheck, component: AuditPage },
  { path: '/connections', label: 'Connections', icon: IconPlugConnected, component: ConnectionsPage },
  { path: '/settings', label: 'Settings', icon: IconSettings, component: SettingsPage },
];

export function isCurrent(item: NavItem, location: string): boolean {
  return item.path === '/' ? location === '/' : location === item.path || location.startsWith(`${item.path}/`);
}
