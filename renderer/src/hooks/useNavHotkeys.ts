import { useHotkeys, type HotkeyItem } from '@mantine/hooks';
import { useLocation } from 'wouter';
import { NAV_ITEMS } from '../navigation';

/**
 * Alt+1…9 (and Mod+1…9 where the browser lets it through) open the pages in
 * sidebar order. Physical keys, so Alt+digit works on layouts where Alt
 * changes the character (macOS, AZERTY); active inside inputs too, since
 * these chords never type text.
 */
export function useNavHotkeys(): void {
  const [, navigate] = useLocation();
  const hotkeys: HotkeyItem[] = NAV_ITEMS.slice(0, 9).flatMap((item, index): HotkeyItem[] => {
    const go = () => navigate(item.path);
    return [
      // Physical keys are matched by KeyboardEvent.code, hence "Digit1" rather than "1".
      [`alt+Digit${index + 1}`, go, { usePhysicalKeys: true }],
      [`mod+Digit${index + 1}`, go, { usePhysicalKeys: true }],
    ];
  });
  useHotkeys(hotkeys, []);
}
