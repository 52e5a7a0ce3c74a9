import { useDocumentTitle } from '@mantine/hooks';
import { useLocation } from 'wouter';
import { NAV_ITEMS, isCurrent } from '../navigation';

/** "Runs · Syncwarden": tells tabs, window switchers and screen readers where the user is. */
export function usePageTitle(): void {
  const [location] = useLocation();
  const page = NAV_ITEMS.find((item) => isCurrent(item, location));
  useDocumentTitle(page ? `${page.label} · Syncwarden` : 'Syncwarden');
}
