-- A card whose customer did not come (no-show, issue #7) says so on every screen until it is
-- rescheduled or cancelled (BoardCard.noShow in src/lib/domain/board.ts).
create or replace view board_card_view as
select
	c.id,
	c.store_id,
	c.archived_at,
	json_build_object(
		'id', c.id,
		'column', c.board_column,
		'version', c.version,
		'plate', v.plate,
		'customerName', cu.surname || cu.title,
		'model', v.model,
		'dueAt', iso_utc(c.due_at),
		'walkIn', c.appointment_id is null,
		'jobSummary', c.job_summary,
		'safety', c.safety,
		'comeback', c.comeback,
		'complaint', c.complaint,
		'partsWaiting', c.parts_waiting,
		'stopWork', case when c.stop_work_reason is null then null else json_build_object(
			'reason', c.stop_work_reason, 'since', iso_utc(c.stop_work_since)) end,
		'customerWaits', c.customer_waits,
		'washDeclined', c.wash_declined,
		'reworkCount', c.rework_count,
		'technician', t.display_name,
		'bay', b.name,
		'advisor', a.display_name,
		'columnEnteredAt', iso_utc(c.column_entered_at),
		'team', c.team,
		'qc', json_build_object('self', c.qc_self, 'lead', c.qc_lead, 'final', c.qc_final),
		'authorisationPending', c.authorisation_pending,
		'prepDueAt', iso_utc(c.prep_due_at),
		'escalated', c.escalated_at is not null,
		'rescheduleProposal', c.reschedule_proposed_on,
		'noShow', coalesce(ap.status = 'noShow', false)
	) as card
from cards c
join vehicles v on v.id = c.vehicle_id
join customers cu on cu.id = c.customer_id
left join users t on t.id = c.technician_id
left join users a on a.id = c.advisor_id
left join bays b on b.id = c.bay_id
left join appointments ap on ap.id = c.appointment_id;
