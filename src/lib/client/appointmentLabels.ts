import { m } from '$lib/paraglide/messages';

/** The booking and call screens' words for the booking API's answers (kept off the board's bundle). */

const APPOINTMENT_REASON: Record<string, () => string> = {
	dateInPast: m.appt_reason_date_in_past,
	closedDay: m.appt_reason_closed_day,
	noJobs: m.appt_reason_no_jobs,
	unknownJobType: m.appt_reason_unknown_job_type,
	jobTypeNotQuick: m.appt_reason_job_type_not_quick,
	vehicleTooOld: m.appt_reason_vehicle_too_old,
	partsNotInTime: m.appt_reason_parts_not_in_time,
	outsideOpeningHours: m.appt_reason_outside_opening_hours,
	offSlotStep: m.appt_reason_off_slot_step,
	slotInPast: m.appt_reason_slot_in_past,
	slotFull: m.appt_reason_slot_full,
	labourFull: m.appt_reason_labour_full,
	alreadyConfirmed: m.appt_reason_already_confirmed,
	carArrived: m.appt_reason_car_arrived,
	notYetDue: m.appt_reason_not_yet_due,
	sameTime: m.appt_reason_same_time
};

const APPOINTMENT_STATUS: Record<string, () => string> = {
	tentative: m.appt_status_tentative,
	confirmed: m.appt_status_confirmed,
	arrived: m.appt_status_arrived,
	cancelled: m.appt_status_cancelled,
	noShow: m.appt_status_no_show,
	done: m.appt_status_done
};

export const appointmentStatusLabel = (status: string) => APPOINTMENT_STATUS[status]?.() ?? status;

/** Why the booking API refused, in the user's words (the server's English message as a last resort). */
export function appointmentErrorLabel(error: {
	code: string;
	message: string;
	reason?: string;
	status?: string;
}): string {
	if (error.reason === 'notOpen') {
		return m.appt_reason_not_open({ status: appointmentStatusLabel(error.status ?? '') });
	}
	if (error.reason && APPOINTMENT_REASON[error.reason]) return APPOINTMENT_REASON[error.reason]();
	if (error.code === 'forbidden') return m.appt_reason_forbidden();
	if (error.code === 'unavailable') return m.appt_reason_network();
	return m.appt_reason_other({ message: error.message });
}
