import type { Column, StopWorkReason } from '../../domain/board';
import type { Sql } from './connect';
import { hashPassword } from '../auth/password';
import { provisionBooking } from '../appointments/provision';
import { seedJobs } from './seedJobs';

/** Every demo user's password (README: how to sign in). Never used outside the demo seed. */
export const DEMO_PASSWORD = 'demo1234';

/**
 * The demo store: one SAIC-Volkswagen 4S dealer's after-sales department in Shanghai with a full,
 * believable board (see shared/DOMAIN.md for the sizes). A seeded PRNG makes the data the same on
 * every run; only the dates move with `now`. Times are Asia/Shanghai (UTC+8, no DST).
 */

const SEED = 0x4d2026;
const HOUR = 3_600_000;
const MIN = 60_000;
const SHANGHAI = 8 * HOUR;
const DAY_FROM = 8 * 60 + 30; // 08:30, minutes of the local day
const DAY_TO = 17 * 60; // 17:00

type Row = Record<string, unknown>;

const ADVISORS = ['张伟', '李娜', '王芳', '陈磊', '刘洋']; // 服务顾问
const TECHNICIANS: [string, string][] = [ // 维修技师 by team (班组)
	['孙志强', 'A组'], ['周海涛', 'A组'], ['吴俊杰', 'A组'], ['郑晓东', 'A组'], ['冯刚', 'B组'],
	['何斌', 'B组'], ['许文涛', 'B组'], ['邓超', 'C组'], ['韩磊', 'C组'], ['曹永明', 'C组']
];
/** [username, display name, role, team] */
const STAFF: [string, string, string, string | null][] = [
	...ADVISORS.map((n, i): [string, string, string, null] => [`advisor${i + 1}`, n, 'advisor', null]),
	['director', '赵建国', 'director', null], // 技术总监
	...TECHNICIANS.map(([n, team], i): [string, string, string, string] => [`tech${i + 1}`, n, 'technician', team]),
	['parts', '马丽', 'parts', null], // 零件
	['service', '周静', 'service', null], // 客服
	['admin', '黄振华', 'storeAdmin', null] // 店长
];

/** the dealer group's after-sales manager: sees every store of the group */
const GROUP_ADMIN: [string, string, string, null] = ['group', '钱永刚', 'groupAdmin', null];

const SURNAMES = '王王王李李李张张张刘刘陈陈杨杨黄赵赵吴周周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏顾毛龚邵钱严戴孔汤';
const GIVEN_M = '伟强磊军勇杰涛明超辉刚平斌鹏华建国志东海峰波亮晨浩宇俊文龙';
const GIVEN_F = '芳娜敏静丽艳娟霞燕玲婷雪慧倩颖琳莉萍红梅佳欣怡';
const PHONE_PREFIXES = ['138', '139', '135', '136', '137', '150', '151', '158', '159', '182', '186', '187', '188', '189', '130', '131', '133', '153', '177', '180', '181', '199'];

/** [model, new-energy plate letter (D pure electric, F plug-in hybrid), weight] */
const MODELS: [string, '' | 'D' | 'F', number][] = [
	['朗逸', '', 6], ['帕萨特', '', 5], ['途观L', '', 5], ['凌渡L', '', 2], ['途昂', '', 2],
	['途昂X', '', 1], ['途岳', '', 2], ['桑塔纳', '', 2], ['威然', '', 1], ['途安L', '', 1],
	['帕萨特新能源', 'F', 2], ['途观L新能源', 'F', 1], ['ID.4 X', 'D', 2], ['ID.6 X', 'D', 1]
];

/** [job, safety-related] */
const REPAIRS: [string, boolean][] = [
	['更换前刹车片', true], ['更换刹车盘及刹车片', true], ['刹车异响检查', true], ['高速方向盘抖动', true],
	['轮胎鼓包更换', true], ['空调不制冷', false], ['底盘异响检查', false], ['更换轮胎（四条）', false],
	['四轮定位', false], ['钣喷：右前门刮擦', false], ['钣喷：后保险杠', false], ['更换蓄电池', false],
	['发动机故障灯亮', false], ['变速箱换挡顿挫', false], ['天窗异响', false], ['更换雨刮片', false],
	['空调滤芯更换、空调清洗', false], ['车机黑屏检查', false], ['召回：燃油泵检查', false]
];

const CHANNELS = ['phone', 'phone', 'phone', 'reminderCall', 'reminderCall', 'reminderCall', 'web', 'web', 'walkIn'];

/** mulberry32: a tiny seeded PRNG, good enough for demo data. */
export function mulberry32(seed: number) {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A VIN with the ISO 3779 check digit (position 9), as Chinese VINs carry it (GB 16735). */
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const VIN_VALUE = 'A1B2C3D4E5F6G7H8J1K2L3M4N5P7R9S2T3U4V5W6X7Y8Z9';
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
function withCheckDigit(vin: string): string {
	let sum = 0;
	for (let i = 0; i < 17; i++) {
		const c = vin[i];
		const v = /\d/.test(c) ? Number(c) : Number(VIN_VALUE[VIN_VALUE.indexOf(c) + 1]);
		sum += v * VIN_WEIGHTS[i];
	}
	const check = sum % 11;
	return vin.slice(0, 8) + (check === 10 ? 'X' : String(check)) + vin.slice(9);
}
/** The model-year letter of position 10, a 30-year cycle (2010 A … 2026 T). */
const yearCode = (year: number) => 'ABCDEFGHJKLMNPRSTVWXY123456789'[(year - 1980) % 30];

export async function seedDemo(
	sql: Sql,
	options: { now?: Date; slug?: string; name?: string } = {}
): Promise<{ storeId: number; created: boolean }> {
	const now = options.now ?? new Date();
	const slug = options.slug ?? 'demo';
	const name = options.name ?? '上海浦东4S店';
	const rnd = mulberry32(SEED);
	const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
	const chance = (p: number) => rnd() < p;

	// Local (Asia/Shanghai) calendar: `at(day, minutes)` is `minutes` after local midnight of today + day.
	const local = new Date(now.getTime() + SHANGHAI);
	const midnight = (day: number) =>
		Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + day) - SHANGHAI;
	const at = (day: number, minutes: number) => new Date(midnight(day) + minutes * MIN);
	const slot = (from = DAY_FROM, to = DAY_TO) => from + 15 * int(0, Math.floor((to - from) / 15));
	const localDate = (t: number) => new Date(t + SHANGHAI).toISOString().slice(0, 10);
	// Never in the future: a time not yet reached becomes a moment shortly before `now`. The jitter
	// is drawn either way, so the random stream (and thus the data) does not depend on `now`.
	const past = (t: number) => {
		const jitter = int(2, 50) * MIN;
		return new Date(t < now.getTime() ? t : now.getTime() - jitter);
	};
	const thisYear = local.getUTCFullYear();

	// one argon2id hash for all demo users: they share the documented password anyway
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	return sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(hashtext(${'seed:' + slug}))`;
		const [existing] = await tx<{ id: number }[]>`select id::int as id from stores where slug = ${slug}`;
		if (existing) return { storeId: existing.id, created: false };

		const groupName = '示范汽车集团';
		const [group] = [
			...(await tx<{ id: number }[]>`
				select id::int as id from dealer_groups where name = ${groupName} order by id limit 1`),
			...(await tx<{ id: number }[]>`
				insert into dealer_groups (name) select ${groupName}
				where not exists (select from dealer_groups where name = ${groupName}) returning id::int as id`)
		];
		const [store] = await tx<{ id: number }[]>`
			insert into stores (group_id, slug, name, time_zone)
			values (${group.id}, ${slug}, ${name}, 'Asia/Shanghai') returning id::int as id`;
		const storeId = store.id;
		await tx`insert into store_sequences (store_id, last_seq) values (${storeId}, 0)`;

		// Staff. Usernames are global, so a second seeded store prefixes its own.
		const login = (u: string) => (slug === 'demo' ? u : `${slug}-${u}`);
		const userRows: Row[] = [...STAFF, GROUP_ADMIN].map(([u, displayName]) => ({
			username: login(u), display_name: displayName, password_hash: passwordHash
		}));
		const users = await tx<{ id: number; username: string }[]>`
			insert into users ${tx(userRows, 'username', 'display_name', 'password_hash')} returning id::int as id, username`;
		const userId = new Map(users.map((u) => [u.username, u.id]));
		const roleRows: Row[] = STAFF.map(([u, , role, team]) => ({ user_id: userId.get(login(u)), store_id: storeId, role, team }));
		await tx`insert into store_roles ${tx(roleRows, 'user_id', 'store_id', 'role', 'team')}`;
		await tx`
			insert into group_admins (user_id, group_id) values (${userId.get(login(GROUP_ADMIN[0]))!}, ${group.id})
			on conflict do nothing`;
		// booking: the default job types and an eight-hour day for each technician
		await provisionBooking(tx as unknown as Sql, storeId);
		// the parts counter's shelf for the bookable jobs: brake pads run short, so a booking screen
		// shows both a reservation and a part to order
		await tx`
			insert into parts (store_id, part_no, name, on_hand, lead_days) values
				(${storeId}, 'VW-OF-06L', '机油滤清器', 40, 2),
				(${storeId}, 'VW-OIL-5W30', '机油 5W-30 4L', 60, 2),
				(${storeId}, 'VW-BP-F', '前刹车片（套）', 2, 4),
				(${storeId}, 'TY-225-45R17', '轮胎 225/45 R17', 12, 5)`;
		await tx`
			insert into job_type_parts (store_id, job_type_id, part_no, quantity)
			select ${storeId}, j.id, p.part_no, p.quantity
			from job_types j join (values ('maintenance', 'VW-OF-06L', 1), ('maintenance', 'VW-OIL-5W30', 1),
				('brakePads', 'VW-BP-F', 1), ('tyres', 'TY-225-45R17', 2)) as p(code, part_no, quantity)
				on p.code = j.code
			where j.store_id = ${storeId}`;
		const advisors = STAFF.filter((s) => s[2] === 'advisor').map((s) => userId.get(login(s[0]))!);
		const technicians = STAFF.filter((s) => s[2] === 'technician').map((s) => userId.get(login(s[0]))!);

		const bayRows: Row[] = Array.from({ length: 9 }, (_, i) => ({ store_id: storeId, name: `${i + 1}号工位` }));
		const bays = (await tx<{ id: number }[]>`
			insert into bays ${tx(bayRows, 'store_id', 'name')} returning id::int as id`).map((b) => b.id).sort((a, b) => a - b);

		// Customers: surname + title for the welcome board, unique mobile numbers.
		const phones = new Set<string>();
		const names = new Set<string>();
		const customerRows: Row[] = [];
		while (customerRows.length < 62) {
			const female = chance(0.35);
			const surname = pick([...SURNAMES]);
			const given = female ? GIVEN_F : GIVEN_M;
			const full = surname + pick([...given]) + (chance(0.6) ? pick([...given]) : '');
			const phone = pick(PHONE_PREFIXES) + String(int(0, 99_999_999)).padStart(8, '0');
			if (names.has(full) || phones.has(phone)) continue;
			names.add(full);
			phones.add(phone);
			customerRows.push({ store_id: storeId, name: full, surname, title: female ? '女士' : '先生', phone,
				created_at: new Date(now.getTime() - int(30, 2000) * 24 * HOUR) });
		}
		const customers = await tx<{ id: number; phone: string }[]>`
			insert into customers ${tx(customerRows, 'store_id', 'name', 'surname', 'title', 'phone', 'created_at')}
			returning id::int as id, phone`;
		const customerIds = customerRows.map((c) => customers.find((r) => r.phone === c.phone)!.id);

		// Vehicles: one per customer, some customers with a second car.
		const modelPool = MODELS.flatMap((m) => Array<(typeof MODELS)[number]>(m[2]).fill(m));
		const plates = new Set<string>();
		const plateChars = (n: number, letters: number) => {
			const cs = Array.from({ length: n }, () => String(int(0, 9)));
			for (let i = 0; i < letters; i++) cs[int(0, n - 1)] = pick([...'ABCDEFGHJKLMNPQRSTUVWXYZ']);
			return cs.join('');
		};
		const vehicleRows: Row[] = [];
		const nevOf = new Map<string, string>();
		while (vehicleRows.length < 78) {
			const [model, nev] = pick(modelPool);
			const r = rnd();
			const region = r < 0.75 ? '沪' + pick([...'ABDEFGHJKLMN']) : r < 0.9 ? '苏' + pick([...'EBF']) : '浙' + pick([...'ABF']);
			const plate = `${region}·${nev ? nev + plateChars(5, 0) : plateChars(5, chance(0.4) ? int(1, 2) : 0)}`;
			if (plates.has(plate)) continue;
			plates.add(plate);
			nevOf.set(plate, nev);
			const year = thisYear - int(0, 8);
			const mileage = Math.max(800, (thisYear - year) * int(6000, 17000) + int(500, 9000));
			const serviced = mileage > 7500;
			const lastKm = serviced ? Math.max(0, mileage - int(2000, 9000)) : null;
			let vin = 'LSV' + Array.from({ length: 14 }, () => pick([...VIN_CHARS])).join('');
			vin = withCheckDigit(vin.slice(0, 9) + yearCode(year) + vin.slice(10, 11) + String(int(0, 999_999)).padStart(6, '0'));
			vehicleRows.push({
				store_id: storeId, customer_id: customerIds[vehicleRows.length < 62 ? vehicleRows.length : int(0, 61)], plate, vin, model,
				mileage_km: mileage,
				last_service_on: serviced ? localDate(now.getTime() - int(100, 300) * 24 * HOUR) : null,
				last_service_km: lastKm
			});
		}
		const vehicles = await tx<{ id: number; plate: string }[]>`
			insert into vehicles ${tx(vehicleRows, 'store_id', 'customer_id', 'plate', 'vin', 'model', 'mileage_km', 'last_service_on', 'last_service_km')}
			returning id::int as id, plate`;
		const vehicleIdOf = new Map(vehicles.map((v) => [v.plate, v.id]));

		const repairsFor = (v: Row) =>
			nevOf.get(v.plate as string) === 'D' ? REPAIRS.filter(([j]) => !/发动机|变速箱|燃油/.test(j)) : REPAIRS;
		const jobFor = (v: Row, prefix = ''): [string, boolean] => {
			const [repair, safety] = pick(repairsFor(v));
			if (prefix || chance(0.45)) return [prefix + repair, safety];
			const service = v.last_service_km === null ? '首保' : `${Math.ceil((v.mileage_km as number) / 10000)}万公里保养`;
			return chance(0.3) ? [`${service}，${repair}`, safety] : [service, false];
		};

		// Today's flow is laid out up to `clock`: the local time now, kept within 11:00-17:30 so that an
		// early-morning seed still shows a busy board (its times are then moved into the past by `past`).
		const clock = Math.min(Math.max(Math.floor((now.getTime() - midnight(0)) / MIN), 11 * 60), 17 * 60 + 30);
		const clockAt = at(0, clock).getTime();
		const laterToday = Math.min(Math.ceil((clock + 15) / 15) * 15, DAY_TO);
		// The week's plan: [column, count, days relative to today, earliest and latest local minute].
		const plan: [Column, number, number[], number, number][] = [
			['prep', 15, [3, 4, 5, 6, 6], DAY_FROM, DAY_TO],
			// the day after tomorrow and still in prep: their folders are checked today (overdue.ts)
			['prep', 2, [2], DAY_FROM, DAY_TO],
			['ready', 10, [2, 3, 3, 4], DAY_FROM, DAY_TO],
			['confirmed', 4, [0], laterToday, DAY_TO],
			['confirmed', 6, [1], DAY_FROM, DAY_TO],
			['confirmed', 3, [2], DAY_FROM, DAY_TO],
			['inBay', 8, [0], 9 * 60, clock - 30],
			['inBay', 1, [-1], 15 * 60, 16 * 60], // carried over from yesterday, waiting for parts
			['qc', 5, [0], 8 * 60 + 45, clock - 80],
			['wash', 5, [0], DAY_FROM, clock - 110],
			['handover', 8, [0], DAY_FROM, clock - 130],
			['handover', 6, [-1], DAY_FROM, 16 * 60] // yesterday's finished jobs, archived
		];
		// Booked when the reminder call or the customer's call came in: office hours, days before.
		const bookedAt = (day: number) => past(at(Math.min(day - 2, 0) - int(0, 8), int(9 * 60, 18 * 60)).getTime());
		type Job = { column: Column; v: Row; due: Date; created: Date; archived: boolean; status: string };
		const jobs: Job[] = [];
		let next = 0;
		const takeVehicle = () => vehicleRows[next++];
		for (const [column, count, days, from, to] of plan) {
			for (let i = 0; i < count; i++) {
				const day = pick(days);
				const archived = day < 0 && column === 'handover';
				const status = archived ? 'done' : column === 'prep' || column === 'ready' ? 'tentative'
					: column === 'confirmed' ? 'confirmed' : 'arrived';
				jobs.push({ column, v: takeVehicle(), due: at(day, slot(from, to)), created: bookedAt(day), archived, status });
			}
		}
		// Yesterday also had one no-show and one cancellation: appointments without a card.
		const missed = ['noShow', 'cancelled'].map((status) => ({ v: takeVehicle(), due: at(-1, slot()), created: bookedAt(-1), status }));
		// The sixth card in prep is a comeback (返修) the customer booked back in.
		const booked = [...jobs, ...missed].map((j, i) => ({ ...j, job: jobFor(j.v, i === 5 ? '返修：' : '') }));
		const apptRows: Row[] = booked.map((j) => ({
			store_id: storeId, customer_id: j.v.customer_id, vehicle_id: vehicleIdOf.get(j.v.plate as string),
			scheduled_at: j.due, channel: pick(CHANNELS), status: j.status, job_summary: j.job[0], created_at: j.created
		}));
		const appts = await tx<{ id: number; vehicle_id: number }[]>`
			insert into appointments ${tx(apptRows, 'store_id', 'customer_id', 'vehicle_id', 'scheduled_at', 'channel', 'status', 'job_summary', 'created_at')}
			returning id::int as id, vehicle_id::int as vehicle_id`;
		const apptOf = new Map(appts.map((a) => [a.vehicle_id, a.id]));

		// Cards: one per booked job; walk-ins (one a comeback from yesterday) enter "in bay" unbooked.
		type Card = Job & { job: [string, boolean]; appointment_id: number | null; comeback?: boolean; stop?: StopWorkReason };
		const cards: Card[] = (booked.slice(0, jobs.length) as (Job & { job: [string, boolean] })[]).map((j) => ({
			...j, appointment_id: apptOf.get(vehicleIdOf.get(j.v.plate as string)!)! }));
		const comebackVehicle = jobs.find((j) => j.archived)!.v;
		for (const [k, v] of [comebackVehicle, takeVehicle(), takeVehicle()].entries()) {
			const due = at(0, 9 * 60 + Math.floor(((k + rnd()) * (clock - 9 * 60 - 20)) / 3));
			const [repair] = pick(repairsFor(v));
			const job: [string, boolean] = k === 0 ? [`返修：${REPAIRS[2][0]}`, true] : [repair, false];
			cards.push({ column: 'inBay', v, due, created: past(due.getTime()), archived: false, status: '', appointment_id: null, job, comeback: k === 0 });
		}
		// Three stopped cars in the bay: yesterday's carry-over waits for parts, one for the
		// customer's authorisation of extra work, one for a free technician.
		const inBay = cards.filter((c) => c.column === 'inBay');
		inBay[8].stop = 'parts';
		inBay[2].stop = 'authorisation';
		inBay[5].stop = 'labour';
		// Running cars get a bay and a technician each; stopped cars and QC share the rest.
		const worked = cards.filter((c) => c.column === 'inBay' || c.column === 'qc')
			.sort((a, b) => Number(a.column !== 'inBay' || !!a.stop) - Number(b.column !== 'inBay' || !!b.stop));
		const crew = [...technicians];
		for (let k = crew.length - 1; k > 0; k--) {
			const r = int(0, k);
			[crew[k], crew[r]] = [crew[r], crew[k]];
		}
		const assigned = new Map(worked.map((c, k) => [c, { bay: bays[k % bays.length], tech: crew[k % crew.length] }]));

		// A moment between `from` and `to`, at a random fraction of the way within [lo, hi].
		const between = (from: number, to: number, lo: number, hi: number) => from + (to - from) * (lo + (hi - lo) * rnd());
		const entered = (c: Card): number => {
			const due = c.due.getTime();
			const created = c.created.getTime();
			const end = due < midnight(0) ? midnight(0) - 6 * HOUR : clockAt; // yesterday's cars: by 18:00
			const t = { prep: created, ready: at(-int(0, 2), int(9 * 60, 18 * 60)).getTime(),
				confirmed: midnight(Math.round((due - midnight(0)) / (24 * HOUR)) - 2) + int(10 * 60, 16 * 60) * MIN,
				inBay: due + int(10, 25) * MIN, qc: between(due, end, 0.55, 0.9), wash: between(due, end, 0.7, 0.95),
				handover: between(due, end, 0.75, 0.98) }[c.column];
			return Math.max(created, past(t).getTime());
		};
		const cardRows: Row[] = cards.map((c, i) => {
			const inFlow = c.column !== 'prep' && c.column !== 'ready' && c.column !== 'confirmed';
			const columnEnteredAt = new Date(entered(c));
			const stopSince = c.stop === 'parts' ? columnEnteredAt.getTime() + 90 * MIN
				: between(columnEnteredAt.getTime(), clockAt, 0.3, 0.8);
			const [summary, safety] = c.job;
			return {
				store_id: storeId, appointment_id: c.appointment_id, customer_id: c.v.customer_id,
				vehicle_id: vehicleIdOf.get(c.v.plate as string), board_column: c.column, due_at: c.due,
				job_summary: summary, safety,
				comeback: c.comeback === true || summary.startsWith('返修'),
				complaint: c === inBay[3] || (c.column === 'handover' && i % 7 === 3),
				parts_waiting: c.column === 'prep' && chance(0.25),
				stop_work_reason: c.stop ?? null,
				stop_work_since: c.stop ? past(stopSince) : null,
				customer_waits: inFlow && !c.archived && /保/.test(summary) && !summary.includes('，') && chance(0.6),
				wash_declined: inFlow && c.column !== 'wash' && chance(0.15),
				rework_count: c.column === 'qc' && i % 5 === 1 ? 1 : 0,
				technician_id: assigned.get(c)?.tech ?? null,
				advisor_id: pick(advisors),
				bay_id: assigned.get(c)?.bay ?? null,
				column_entered_at: columnEnteredAt,
				created_at: c.created, updated_at: columnEnteredAt,
				archived_at: c.archived ? new Date(columnEnteredAt.getTime() + int(10, 60) * MIN) : null
			};
		});
		await tx`insert into cards ${tx(cardRows, 'store_id', 'appointment_id', 'customer_id', 'vehicle_id', 'board_column',
			'due_at', 'job_summary', 'safety', 'comeback', 'complaint', 'parts_waiting', 'stop_work_reason', 'stop_work_since',
			'customer_waits', 'wash_declined', 'rework_count', 'technician_id', 'advisor_id', 'bay_id', 'column_entered_at',
			'created_at', 'updated_at', 'archived_at')}`;
		await seedJobs(tx as unknown as Sql, storeId, now);
		return { storeId, created: true };
	});
}
