/**
 * The seed working-day calendar (工作日历) for 2025–2027: the starting point the bureau records on the ledger.
 *
 * Source: the npm package `chinese-days` 1.5.7 (dist/years/2025.json and 2026.json, read once and copied
 * here as literals so the chaincode has no runtime dependency on it). That package transcribes the State
 * Council General Office holiday notices:
 * - 2025: 国办发明电〔2024〕12号, https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm
 * - 2026: https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm
 *
 * `holidays` lists every date the notice gives as a day off, weekend days inside a holiday run included (they
 * are non-working anyway; keeping them makes each run easy to compare with the notice). `workdays` lists the
 * weekend days that are working days (调休).
 *
 * 2027: the State Council's notice for 2027 was not yet in the package's data. 2027 is seeded with the statutory
 * holidays alone (全国年节及纪念日放假办法: New Year, Spring Festival eve and days 1–3, Qingming, Labour Day
 * May 1–2, Dragon Boat, Mid-Autumn, National Day Oct 1–3), on their 2027 dates, and no adjusted working days.
 * The bureau replaces it with SetCalendarYear once the notice is published.
 *
 * This file is only the seed. The bureau maintains the calendar on the ledger, one record per year, and the
 * ledger copy is the one deadlines are computed from.
 */
import type { CalendarYear } from '../models/calendar';

export const CALENDAR_SEED: CalendarYear[] = [
  {
    year: 2025,
    holidays: [
      // 元旦 New Year's Day
      '2025-01-01', // Wed
      // 春节 Spring Festival
      '2025-01-28', // Tue
      '2025-01-29', // Wed
      '2025-01-30', // Thu
      '2025-01-31', // Fri
      '2025-02-01', // Sat
      '2025-02-02', // Sun
      '2025-02-03', // Mon
      '2025-02-04', // Tue
      // 清明 Tomb-sweeping Day
      '2025-04-04', // Fri
      '2025-04-05', // Sat
      '2025-04-06', // Sun
      // 劳动节 Labour Day
      '2025-05-01', // Thu
      '2025-05-02', // Fri
      '2025-05-03', // Sat
      '2025-05-04', // Sun
      '2025-05-05', // Mon
      // 端午 Dragon Boat Festival
      '2025-05-31', // Sat
      '2025-06-01', // Sun
      '2025-06-02', // Mon
      // 国庆节、中秋节 National Day and Mid-autumn Festival, merged (Mid-autumn fell on Oct 6)
      '2025-10-01', // Wed
      '2025-10-02', // Thu
      '2025-10-03', // Fri
      '2025-10-04', // Sat
      '2025-10-05', // Sun
      '2025-10-06', // Mon
      '2025-10-07', // Tue
      '2025-10-08', // Wed
    ],
    workdays: [
      // 春节 Spring Festival
      '2025-01-26', // Sun
      '2025-02-08', // Sat
      // 劳动节 Labour Day
      '2025-04-27', // Sun
      // 国庆节 National Day
      '2025-09-28', // Sun
      '2025-10-11', // Sat
    ],
  },
  {
    year: 2026,
    holidays: [
      // 元旦 New Year's Day
      '2026-01-01', // Thu
      '2026-01-02', // Fri
      '2026-01-03', // Sat
      // 春节 Spring Festival
      '2026-02-15', // Sun
      '2026-02-16', // Mon
      '2026-02-17', // Tue
      '2026-02-18', // Wed
      '2026-02-19', // Thu
      '2026-02-20', // Fri
      '2026-02-21', // Sat
      '2026-02-22', // Sun
      '2026-02-23', // Mon
      // 清明 Tomb-sweeping Day
      '2026-04-04', // Sat
      '2026-04-05', // Sun
      '2026-04-06', // Mon
      // 劳动节 Labour Day
      '2026-05-01', // Fri
      '2026-05-02', // Sat
      '2026-05-03', // Sun
      '2026-05-04', // Mon
      '2026-05-05', // Tue
      // 端午 Dragon Boat Festival
      '2026-06-19', // Fri
      '2026-06-20', // Sat
      '2026-06-21', // Sun
      // 中秋 Mid-autumn Festival
      '2026-09-25', // Fri
      '2026-09-26', // Sat
      '2026-09-27', // Sun
      // 国庆节 National Day
      '2026-10-01', // Thu
      '2026-10-02', // Fri
      '2026-10-03', // Sat
      '2026-10-04', // Sun
      '2026-10-05', // Mon
      '2026-10-06', // Tue
      '2026-10-07', // Wed
    ],
    workdays: [
      // 元旦 New Year's Day
      '2026-01-04', // Sun
      // 春节 Spring Festival
      '2026-02-14', // Sat
      '2026-02-28', // Sat
      // 劳动节 Labour Day
      '2026-05-09', // Sat
      // 国庆节 National Day
      '2026-09-20', // Sun
      '2026-10-10', // Sat
    ],
  },
  {
    // Statutory holidays only: the 2027 notice (with its bridge days and 调休) was not yet published in the data.
    year: 2027,
    holidays: [
      '2027-01-01', // Fri 元旦
      '2027-02-05', // Fri 除夕 (lunar new year's eve)
      '2027-02-06', // Sat 春节
      '2027-02-07', // Sun
      '2027-02-08', // Mon
      '2027-04-05', // Mon 清明
      '2027-05-01', // Sat 劳动节
      '2027-05-02', // Sun
      '2027-06-09', // Wed 端午
      '2027-09-15', // Wed 中秋
      '2027-10-01', // Fri 国庆
      '2027-10-02', // Sat
      '2027-10-03', // Sun
    ],
    workdays: [],
  },
];
