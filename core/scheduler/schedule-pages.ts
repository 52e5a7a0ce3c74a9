import type { SchedulesRepository, StoredSchedule } from '../store/schedules.repo';

/** Schedules loaded between two yields to the event loop (a few ms of parsing and compiling). */
const LOAD_PAGE = 250;

/** Every schedule, in keyset pages of LOAD_PAGE; each page is read only when asked for. */
export async function* allSchedulePages(schedules: SchedulesRepository): AsyncGenerator<StoredSchedule[]> {
  for (let after = 0; ; ) {
    const page = await schedules.listPage(after, LOAD_PAGE);
    yield page;
    if (page.length < LOAD_PAGE) return;
    after = (page[page.length - 1] as StoredSchedule).id;
  }
}

/** The schedules with these ids, LOAD_PAGE at a time. */
export async function* schedulePagesOf(schedules: SchedulesRepository, ids: readonly number[]): AsyncGenerator<StoredSchedule[]> {
  for (let at = 0; at < ids.length; at += LOAD_PAGE) yield await schedules.byIds(ids.slice(at, at + LOAD_PAGE));
}
