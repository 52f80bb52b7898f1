// Package calendar is egov's Vietnamese working-day calendar: which days
// are worked, and when a dossier's processing time falls due. Calendar and
// everything it computes is pure logic, with no storage and no clock;
// Service (service.go) keeps the administrator's declarations in the
// database and serves the current Calendar to every replica.
//
// # Dates and zone
//
// Date is a civil date. Instants are accepted in any offset and returned
// in Asia/Ho_Chi_Minh, handled as a fixed UTC+7 zone (Location) so that no
// tzdata is needed. Dates and due instants are computed for MinYear to
// MaxYear (1900-2199).
//
// # Lunar calendar
//
// SolarToLunar and LunarToSolar implement Hồ Ngọc Đức's astronomical
// algorithm for the meridian of UTC+7, not the Chinese calendar (UTC+8),
// which puts Tết on another day in some years (1985, 2007). Before 1968
// Vietnam's official lunar calendar still used UTC+8, so dates before then
// may differ from the almanacs of the time; egov needs current years.
//
// # Holidays by default
//
// Each year starts from the Labour Code 2019 (Art. 112) with default
// patterns: 1 January; Tết, five days: the lunar New Year's eve and days
// 1-4; Hùng Kings' day (10th day of the 3rd lunar month); 30 April; 1 May;
// 2 September and one adjacent day (Monday 1 September if the 2nd is a
// Tuesday, Friday 3 September if it is a Thursday, else 1 September). A
// holiday on a Saturday or Sunday gives a compensatory day off (Art.
// 111(3)) on the next weekday that is not already off, taken in date
// order.
//
// # Declarations: entering the government's decision
//
// Each year the government fixes the Tết days, the day next to National
// Day, and swaps of days off with working Saturdays. An administrator
// enters that decision as it is written, one Declaration per date:
//
//   - KindDayOff: the date is not worked.
//   - KindWorkingDay: the date is worked (a Saturday swapped in, or a
//     weekday that the defaults would have given off).
//
// Three rules make this predictable:
//
//  1. A declaration rules its own date, whatever the defaults say.
//  2. Tagging days off with Holiday: Tet (or NationalDay) says "these are
//     the days of that holiday this year": they replace all five default
//     Tết days (or the default day adjacent to 2 September, which itself is
//     fixed by law), and with them the compensatory days those defaults
//     would have given. A tagged schedule must therefore be complete (at
//     least five Tết days; a National Day schedule must name a day other
//     than 2 September); New rejects an incomplete one.
//  3. Declared dates give no compensatory day: the decision names its own
//     compensatory days, so declare them as days off too.
//
// The 2025 decision, for example (Tết 27-31 January; Friday 2 May off in
// exchange for Saturday 26 April), is entered as
//
//	27, 28, 29, 30, 31 January   KindDayOff, Holiday: Tet
//	2 May                        KindDayOff
//	26 April                     KindWorkingDay
//
// The default Tết (28 January - 1 February, with Saturday 1 February giving
// Monday 3 February off) disappears. Entering the difference also works:
// 27 January KindDayOff plus 3 February KindWorkingDay gives the same
// working days, though Year then still lists Saturday 1 February as Tết.
// When no decision has been entered for a year, the defaults apply; Year
// shows the result, for the administrator to check against the decision.
//
// # Due instants
//
// One rule, from CALENDAR-AND-CODES.md: a receipt while the office is
// closed counts as made at the next opening (NextOpening); office hours are
// half-open, so 11:30 and 17:00 are closed. The day of that effective
// receipt is D.
//
//   - N working days: the close of office hours on the N-th working day
//     after D (DueWorkingDays). N = 0: the close of D.
//   - Working hours: counted through office hours only from the effective
//     receipt (DueWorkingHours). Zero: the effective receipt.
//   - N calendar days: the period starts the day after D and ends at the
//     close of office hours on D+N, moved to the next working day if D+N
//     is not one (DueCalendarDays). N = 0: the close of D.
//
// Negative periods and periods over MaxN are rejected with ErrNegative and
// ErrTooLong (ValidateN and ValidateDuration let an API check them
// first); instants outside the supported years give ErrOutOfRange.
// ExplainWorkingDays shows how a due instant was reached.
package calendar
