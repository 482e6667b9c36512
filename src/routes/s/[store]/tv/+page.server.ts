// The TV reads exactly what the board page reads: the same access check (`board:view`: a paired
// wall display, or any signed-in staff member of the store), the same renewal of a display's
// 400-day credential on each load, the same snapshot. Only its screen differs.
export { load } from '../board/+page.server';
