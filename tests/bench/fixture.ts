/**
 * Bench-only data: many stores, each with a believable board (DOMAIN.md sizes: 50–150 cards, a
 * 500-card board as the stress case), inserted in bulk. Deterministic (seeded PRNG).
 */
import type { Sql } from '../../src/lib/server/db/connect';
import { mulberry32 } from '../../src/lib/server/db/seed';
import type { BoardCard, Column } from '../../src/lib/domain/board';
import * as sessions from '../../src/lib/server/auth/sessions';
import { COOKIES } from '../../src/lib/server/auth/principal';

export interface StoreSpec {
	slug: string;
	name: string;
	cards: number;
}

export interface FixtureStore {
	id: number;
	slug: string;
	/** cards a bench advisor may move back and forth: ready ↔ confirmed */
	movable: { id: number; column: Column; version: number }[];
	cards: BoardCard[];
}

/** Share of a board per column (the demo store's proportions). */
const SHARE: [Column, number][] = [
	['prep', 0.24],
	['ready', 0.14],
	['confirmed', 0.19],
	['inBay', 0.17],
	['qc', 0.07],
	['wash', 0.07],
	['handover', 0.12]
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏顾毛龚邵钱严戴孔汤';
const GIVEN = '伟强磊军勇杰涛明超辉刚平斌鹏华建国志东海峰波亮晨浩宇俊文龙芳娜敏静丽艳娟霞燕玲婷雪慧倩颖琳莉萍红梅佳欣怡';
const MODELS = ['朗逸', '帕萨特', '途观L', '凌渡L', '途昂', '途岳', '桑塔纳', '威然', '途安L', '帕萨特新能源', 'ID.4 X', 'ID.6 X'];
const JOBS = [
	'3万公里保养', '4万公里保养', '6万公里保养', '首保', '更换前刹车片', '更换刹车盘及刹车片', '刹车异响检查',
	'高速方向盘抖动', '空调不制冷', '底盘异响检查', '更换轮胎（四条）', '四轮定位', '钣喷：右前门刮擦',
	'钣喷：后保险杠', '更换蓄电池', '发动机故障灯亮', '变速箱换挡顿挫', '天窗异响', '空调滤芯更换、空调清洗',
	'5万公里保养，更换前刹车片', '召回：燃油泵检查'
];


async function insertMany<T extends Record<string, unknown>>(
	sql: Sql,
	table: string,
	rows: T[],
	columns: string[],
	returning = false
): Promise<{ id: number }[]> {
	const out: { id: number }[] = [];
	const chunk = Math.max(1, Math.floor(30_000 / columns.length));
	for (let i = 0; i < rows.length; i += chunk) {
		const part = rows.slice(i, i + chunk);
		if (returning) {
			out.push(...(await sql<{ id: number }[]>`insert into ${sql(table)} ${sql(part as never, columns as never)} returning id::int as id`));
		} else {
			await sql`insert into ${sql(table)} ${sql(part as never, columns as never)}`;
		}
	}
	return out;
}

/** Inserts the stores and their boards; returns each store with its cards as screens see them. */
export async function createFixture(sql: Sql, specs: StoreSpec[]): Promise<FixtureStore[]> {
	const rnd = mulberry32(0xbe7c4);
	const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
	const pick = <T>(xs: readonly T[] | string): T => xs[Math.floor(rnd() * xs.length)] as T;
	const now = Date.now();
	const HOUR = 3_600_000;

	const [group] = await sql<{ id: number }[]>`insert into dealer_groups (name) values ('压测汽车集团') returning id::int as id`;
	const storeIds = await insertMany(
		sql,
		'stores',
		specs.map((s) => ({ group_id: group.id, slug: s.slug, name: s.name, time_zone: 'Asia/Shanghai' })),
		['group_id', 'slug', 'name', 'time_zone'],
		true
	);
	await insertMany(sql, 'store_sequences', storeIds.map((s) => ({ store_id: s.id, last_seq: 0 })), ['store_id', 'last_seq']);

	const staffPerStore = 15; // 5 advisors + 10 technicians
	const users = await insertMany(
		sql,
		'users',
		specs.flatMap((s) =>
			Array.from({ length: staffPerStore }, (_, i) => ({
				username: `${s.slug}-${i < 5 ? 'advisor' : 'tech'}${i + 1}`,
				display_name: pick<string>(SURNAMES) + pick<string>(GIVEN) + pick<string>(GIVEN)
			}))
		),
		['username', 'display_name'],
		true
	);
	await insertMany(
		sql,
		'store_roles',
		specs.flatMap((_, k) =>
			Array.from({ length: staffPerStore }, (_, i) => ({
				user_id: users[k * staffPerStore + i].id,
				store_id: storeIds[k].id,
				role: i < 5 ? 'advisor' : 'technician'
			}))
		),
		['user_id', 'store_id', 'role']
	);
	const bays = await insertMany(
		sql,
		'bays',
		storeIds.flatMap((s) => Array.from({ length: 9 }, (_, i) => ({ store_id: s.id, name: `${i + 1}号工位` }))),
		['store_id', 'name'],
		true
	);

	// one customer and one vehicle per card
	const customerRows = specs.flatMap((s, k) =>
		Array.from({ length: s.cards }, () => {
			const female = rnd() < 0.35;
			const surname = pick<string>(SURNAMES);
			return {
				store_id: storeIds[k].id,
				name: surname + pick<string>(GIVEN) + pick<string>(GIVEN),
				surname,
				title: female ? '女士' : '先生',
				phone: '13' + String(int(0, 999_999_999)).padStart(9, '0')
			};
		})
	);
	const customers = await insertMany(sql, 'customers', customerRows, ['store_id', 'name', 'surname', 'title', 'phone'], true);
	let plateNo = 0;
	const vehicleRows = customerRows.map((c, i) => ({
		store_id: c.store_id,
		customer_id: customers[i].id,
		plate: `沪${pick<string>('ABDEFGHJKLMN')}·${String(10000 + plateNo++).slice(-5)}${pick<string>('ABCDEFGHJKLMNPQRSTUVWXYZ')}`,
		model: pick(MODELS),
		mileage_km: int(800, 160_000)
	}));
	const vehicles = await insertMany(sql, 'vehicles', vehicleRows, ['store_id', 'customer_id', 'plate', 'model', 'mileage_km'], true);

	const apptRows: Record<string, unknown>[] = [];
	const cardRows: Record<string, unknown>[] = [];
	let row = 0;
	specs.forEach((s, k) => {
		const storeId = storeIds[k].id;
		const staff = users.slice(k * staffPerStore, (k + 1) * staffPerStore).map((u) => u.id);
		const storeBays = bays.slice(k * 9, (k + 1) * 9).map((b) => b.id);
		const columns: Column[] = [];
		for (const [column, share] of SHARE) for (let i = 0; i < Math.round(share * s.cards); i++) columns.push(column);
		while (columns.length < s.cards) columns.push('prep');
		columns.length = s.cards;
		columns.forEach((column, i) => {
			const r = row++;
			const future = column === 'prep' || column === 'ready' || column === 'confirmed';
			const due = new Date(now + (future ? int(1, 120) : -int(1, 8)) * HOUR);
			const walkIn = column === 'inBay' && rnd() < 0.15;
			const worked = column === 'inBay' || column === 'qc';
			const stop = column === 'inBay' && i % 9 === 4 ? pick(['parts', 'authorisation', 'labour']) : null;
			const job = pick(JOBS);
			if (!walkIn) {
				apptRows.push({
					store_id: storeId,
					customer_id: customers[r].id,
					vehicle_id: vehicles[r].id,
					scheduled_at: due,
					channel: pick(['phone', 'web', 'reminderCall']),
					status: future ? (column === 'confirmed' ? 'confirmed' : 'tentative') : 'arrived',
					job_summary: job
				});
			}
			cardRows.push({
				store_id: storeId,
				walkIn,
				customer_id: customers[r].id,
				vehicle_id: vehicles[r].id,
				board_column: column,
				due_at: due,
				job_summary: job,
				safety: /刹车|抖动|轮胎|召回/.test(job),
				comeback: rnd() < 0.03,
				complaint: rnd() < 0.03,
				parts_waiting: column === 'prep' && rnd() < 0.25,
				stop_work_reason: stop,
				stop_work_since: stop ? new Date(now - int(1, 3) * HOUR) : null,
				customer_waits: !future && rnd() < 0.2,
				wash_declined: (column === 'qc' || column === 'handover') && rnd() < 0.15,
				technician_id: worked ? staff[5 + int(0, 9)] : null,
				advisor_id: staff[int(0, 4)],
				bay_id: worked ? storeBays[int(0, 8)] : null,
				column_entered_at: new Date(now - int(1, 48) * HOUR)
			});
		});
	});
	const appts = await insertMany(sql, 'appointments', apptRows, ['store_id', 'customer_id', 'vehicle_id', 'scheduled_at', 'channel', 'status', 'job_summary'], true);
	let a = 0;
	for (const c of cardRows) c.appointment_id = c.walkIn ? null : appts[a++].id;
	await insertMany(sql, 'cards', cardRows, [
		'store_id', 'appointment_id', 'customer_id', 'vehicle_id', 'board_column', 'due_at', 'job_summary', 'safety',
		'comeback', 'complaint', 'parts_waiting', 'stop_work_reason', 'stop_work_since', 'customer_waits',
		'wash_declined', 'technician_id', 'advisor_id', 'bay_id', 'column_entered_at'
	]);
	await sql`analyze`;

	const rows = await sql<{ storeId: number; card: BoardCard }[]>`
		select store_id::int as "storeId", card from board_card_view where archived_at is null order by id`;
	const byStore = new Map<number, BoardCard[]>();
	for (const r of rows) {
		const list = byStore.get(r.storeId) ?? [];
		list.push(r.card);
		byStore.set(r.storeId, list);
	}
	return specs.map((s, k) => {
		const cards = byStore.get(storeIds[k].id) ?? [];
		return {
			id: storeIds[k].id,
			slug: s.slug,
			cards,
			movable: cards
				.filter((c) => c.column === 'ready' || c.column === 'confirmed')
				.map((c) => ({ id: c.id, column: c.column, version: c.version }))
		};
	});
}

/**
 * The bench's signed-in advisor: an advisor of every bench store with a real session, as a
 * browser holds it after signing in. Returns the cookie (`wb_session=…`) every client presents.
 */
export async function createBenchSession(sql: Sql, stores: FixtureStore[]): Promise<string> {
	const [user] = await sql<{ id: number }[]>`
		insert into users (username, display_name) values ('bench-advisor', '压测顾问') returning id::int`;
	await insertMany(
		sql,
		'store_roles',
		stores.map((s) => ({ user_id: user.id, store_id: s.id, role: 'advisor' })),
		['user_id', 'store_id', 'role']
	);
	const { token } = await sessions.create(sql, user.id, { address: '127.0.0.1', userAgent: 'bench' });
	return `${COOKIES.session}=${token}`;
}
