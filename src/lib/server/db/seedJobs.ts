import type { Sql } from './connect';
import { refreshPrepDeadlines } from '../cards/prep';

/**
 * The demo board's cards as whole jobs (issue #5): work order items with labour, the parts slip
 * with each line where the column says it should be, the folder's documents, the team, this QC
 * round's checks, an extra item waiting for the customer, and handover checks under way. Derived
 * from each card's column and job, by card order, so it is the same on every run and needs no
 * draw from the seed's PRNG (whose sequence shapes the rest of the demo).
 */

/** [words in the job, labour minutes, part number, part name, unit price fen] */
const CATALOGUE: [RegExp, number, string | null, string, number][] = [
	[/刹车盘/, 150, '5QD615301', '前刹车盘', 68000],
	[/刹车片/, 90, '5QD698151', '前刹车片', 42000],
	[/刹车异响/, 60, null, '', 0],
	[/轮胎.*四条|四条/, 60, 'TYR-225-45R18', '轮胎 225/45 R18', 78000],
	[/轮胎/, 30, 'TYR-225-45R18', '轮胎 225/45 R18', 78000],
	[/蓄电池/, 30, 'JZW915105', '蓄电池 70Ah', 98000],
	[/雨刮/, 15, '3GD955425', '雨刮片（套）', 26000],
	[/空调滤芯/, 30, '5QD819653', '空调滤芯', 15000],
	[/空调清洗/, 45, null, '', 0],
	[/保养|机油/, 60, '06L115562', '机油滤清器', 9000],
	[/燃油泵/, 60, 'WHT005371', '燃油泵密封圈', 4500],
	[/定位/, 60, null, '', 0],
	[/钣喷|钣金/, 480, 'PAINT-SET', '漆料（按面）', 120000],
	[/空调不制冷/, 120, 'R1234YF', '制冷剂 R1234yf', 36000],
	[/故障灯|顿挫|异响|黑屏|抖动/, 120, null, '', 0]
];

const HANDOVER_DONE = ['partsShown', 'workExplained', 'recommendationsExplained', 'billExplained'];

interface SeedCard {
	id: number;
	column: string;
	jobSummary: string;
	partsWaiting: boolean;
	stop: string | null;
	team: string | null;
	dueOn: string;
}

export async function seedJobs(tx: Sql, storeId: number, now: Date): Promise<void> {
	const cards = await tx<SeedCard[]>`
		select c.id::int, c.board_column as column, c.job_summary as "jobSummary",
			c.parts_waiting as "partsWaiting", c.stop_work_reason as stop, r.team,
			(c.due_at at time zone s.time_zone)::date::text as "dueOn"
		from cards c join stores s on s.id = c.store_id
		left join store_roles r on r.user_id = c.technician_id and r.store_id = c.store_id
			and r.role = 'technician'
		where c.store_id = ${storeId} and c.archived_at is null
		order by c.id`;
	const items: Record<string, unknown>[] = [];
	const parts: Record<string, unknown>[] = [];
	const updates: Record<string, unknown>[] = [];
	const addDays = (day: string, n: number) =>
		new Date(Date.parse(day + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);

	cards.forEach((card, k) => {
		const jobs = card.jobSummary.replace(/^返修：/, '').split(/[、，]/).filter(Boolean);
		let partLines = 0;
		for (const job of jobs) {
			const [, minutes, partNo, name, price] = CATALOGUE.find(([words]) => words.test(job)) ?? [
				null, 60, null, '', 0
			];
			items.push({ card_id: card.id, store_id: storeId, description: job.slice(0, 80), labour_minutes: minutes });
			if (!partNo) continue;
			partLines++;
			// where the part stands: waiting in prep (to order, or ordered with its promised day),
			// reserved in prep, picked into the basket from "ready" on
			const waiting = card.partsWaiting || card.stop === 'parts';
			const status = waiting
				? k % 2 === 0 || card.stop === 'parts' ? 'ordered' : 'toOrder'
				: card.column === 'prep' ? 'reserved' : 'picked';
			parts.push({
				card_id: card.id,
				store_id: storeId,
				part_no: partNo,
				name,
				quantity: /四条/.test(job) ? 4 : 1,
				unit_price_fen: price,
				status,
				eta: status === 'ordered' ? addDays(card.dueOn, card.stop === 'parts' ? 1 : -1) : null
			});
		}
		// a card waiting for parts whose job needs none known yet: the counter still has to say which
		if ((card.partsWaiting || card.stop === 'parts') && partLines === 0) {
			parts.push({
				card_id: card.id, store_id: storeId, part_no: 'TBD', name: '待确认零件', quantity: 1,
				unit_price_fen: 0, status: 'toOrder', eta: null
			});
		}
		const past = ['ready', 'confirmed', 'inBay', 'qc', 'wash', 'handover'].includes(card.column);
		updates.push({
			id: card.id,
			team: card.team,
			// prep under way: the work order prints first, the estimate next, the slip last
			doc_work_order: past || k % 3 !== 0,
			doc_estimate: past || k % 3 === 2,
			doc_parts_slip: past,
			qc_self: ['wash', 'handover'].includes(card.column) || (card.column === 'qc' && k % 3 !== 0),
			qc_lead: ['wash', 'handover'].includes(card.column) || (card.column === 'qc' && k % 3 === 2),
			qc_final: ['wash', 'handover'].includes(card.column),
			handover_checks: card.column === 'handover' ? HANDOVER_DONE.slice(0, k % 5) : []
		});
	});

	// the car stopped for the customer's authorisation: the extra item found in the bay
	const stopped = cards.find((card) => card.stop === 'authorisation');
	if (stopped) {
		items.push({
			card_id: stopped.id, store_id: storeId, description: '增项：更换后刹车片（磨损至极限）',
			labour_minutes: 60, extra: true, authorisation: 'pending'
		});
		parts.push({
			card_id: stopped.id, store_id: storeId, part_no: '5QD698451', name: '后刹车片', quantity: 1,
			unit_price_fen: 36000, status: 'inStock', eta: null
		});
	}

	const fullItems: Record<string, unknown>[] = items.map((item) => ({ extra: false, authorisation: 'notNeeded', ...item }));
	if (fullItems.length) {
		await tx`insert into card_job_items ${tx(fullItems, 'card_id', 'store_id', 'description', 'labour_minutes', 'extra', 'authorisation')}`;
	}
	if (parts.length) {
		await tx`insert into card_parts ${tx(parts, 'card_id', 'store_id', 'part_no', 'name', 'quantity', 'unit_price_fen', 'status', 'eta')}`;
	}
	// one statement for every card, not one per card
	await tx`
		update cards c set team = u.team, doc_work_order = u.doc_work_order, doc_estimate = u.doc_estimate,
			doc_parts_slip = u.doc_parts_slip, qc_self = u.qc_self, qc_lead = u.qc_lead, qc_final = u.qc_final,
			handover_checks = u.handover_checks
		from json_to_recordset(${tx.json(updates as never)}::json) as u(id bigint, team text,
			doc_work_order boolean, doc_estimate boolean, doc_parts_slip boolean, qc_self boolean,
			qc_lead boolean, qc_final boolean, handover_checks text[])
		where c.id = u.id`;
	// what every screen shows follows from the lines
	await tx`
		update cards c set
			parts_waiting = exists (select 1 from card_parts p
				where p.card_id = c.id and p.status in ('toOrder', 'ordered')),
			authorisation_pending = exists (select 1 from card_job_items i
				where i.card_id = c.id and i.authorisation = 'pending')
		where c.store_id = ${storeId} and c.archived_at is null`;
	// the checks behind each QC flag: self-check by the car's technician, the lead check by another
	// technician of the team, the final inspection by the technical director — before the card left
	// QC, or in QC so far
	await tx`
		with signer as (
			select c.id as card_id, c.store_id, c.board_column, c.column_entered_at, c.technician_id,
				(select min(r.user_id) from store_roles r
					where r.store_id = c.store_id and r.role = 'technician' and r.team = c.team
						and r.user_id <> c.technician_id) as lead_id,
				(select min(r.user_id) from store_roles r
					where r.store_id = c.store_id and r.role = 'director') as director_id,
				c.qc_self, c.qc_lead, c.qc_final
			from cards c where c.store_id = ${storeId} and c.archived_at is null and c.qc_self
		), checks as (
			select s.*, k.stage, k.n,
				case k.stage when 'self' then s.technician_id when 'lead' then s.lead_id else s.director_id end
					as actor_id
			from signer s cross join (values ('self', 1), ('lead', 2), ('final', 3)) as k(stage, n)
			where (k.stage = 'self' and s.qc_self) or (k.stage = 'lead' and s.qc_lead)
				or (k.stage = 'final' and s.qc_final)
		)
		insert into qc_checks (card_id, store_id, stage, passed, actor_user_id, actor_label, at)
		select ch.card_id, ch.store_id, ch.stage, true, ch.actor_id, coalesce(u.display_name, '质检员'),
			case when ch.board_column = 'qc'
				then least(ch.column_entered_at + ch.n * interval '8 minutes', ${now})
				else ch.column_entered_at - (4 - ch.n) * interval '8 minutes' end
		from checks ch left join users u on u.id = ch.actor_id`;
	await tx`
		update cards set qc_self_by = technician_id
		where store_id = ${storeId} and archived_at is null and qc_self`;
	// and the overdue badge from the prep rules
	const [store] = await tx<{ timeZone: string }[]>`select time_zone as "timeZone" from stores where id = ${storeId}`;
	await refreshPrepDeadlines(tx, { id: storeId, timeZone: store.timeZone }, cards.map((c) => c.id), now);
}
