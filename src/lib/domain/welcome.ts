/**
 * The welcome board at reception (欢迎板): what a customer in the showroom may read about today's
 * appointments. It faces strangers, so everything here errs on the side of showing less: a
 * surname and a title, never a full name; a plate with its middle hidden; no phone at all. Pure
 * functions, used by the server (which builds the rows) and the browser (which words them).
 */
import type { Column } from './board';
import { localDate } from './calendar';

export const APPOINTMENT_STATUSES = [
	'tentative',
	'confirmed',
	'arrived',
	'done',
	'noShow',
	'cancelled'
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** What the customer is told: 预约待到店, 已到店, 维修中, 可取车. */
export const WELCOME_STATUSES = ['expected', 'arrived', 'inService', 'ready'] as const;
export type WelcomeStatus = (typeof WELCOME_STATUSES)[number];

/** The customer's title as the customers table keeps it. */
export type CustomerTitle = '先生' | '女士' | '';

/** One line of the welcome board: everything the browser receives about an appointment. */
export interface WelcomeRow {
	/** the appointment's id: a stable key for the list, meaningless to a reader */
	id: number;
	/** the surname alone (王, 欧阳), see `greetingSurname` */
	surname: string;
	title: CustomerTitle;
	/** masked, see `maskPlate` */
	plate: string;
	/** the appointment's time slot in the store's time zone, HH:MM */
	time: string;
	status: WelcomeStatus;
}

/** Everything the welcome board's page receives: nothing in it names or reaches a customer. */
export interface WelcomeBoard {
	/** the store-local date these rows are for, YYYY-MM-DD: the screen reads again when it passes */
	today: string;
	/** the store's board sequence the rows are at least as fresh as */
	head: number;
	/** the server's clock when it read them (epoch ms): a screen's own clock may be far off */
	readAt: number;
	rows: WelcomeRow[];
}

/** The card of an appointment, if it has one: its column, and whether it has left the board. */
export interface WelcomeCard {
	column: Column;
	archived: boolean;
}

/**
 * Where a customer stands, from the appointment and its card, or null when the welcome board
 * should not list them at all: cancelled and no-show appointments, and customers who have
 * already driven off (appointment done, or the card archived after handover) — the board greets
 * the people still expected or in the building.
 *
 * The card's column wins over the appointment's status, because moving a card is what people
 * do all day, while the appointment's status is not updated by a move.
 */
export function welcomeStatus(
	appointment: AppointmentStatus,
	card: WelcomeCard | null
): WelcomeStatus | null {
	if (appointment === 'cancelled' || appointment === 'noShow' || appointment === 'done') {
		return null;
	}
	if (card?.archived) return null;
	switch (card?.column) {
		case 'inBay':
		case 'qc':
		case 'wash':
			return 'inService';
		case 'handover':
			return 'ready';
		default:
			// no card yet, or its folder still waits in prep / ready / confirmed: the car is not in a
			// bay, so the customer is either on their way or waiting at reception
			return appointment === 'arrived' ? 'arrived' : 'expected';
	}
}

/**
 * The progress colour of the physical 进度牌 (seed 004): red = waiting, yellow = on the lift,
 * green = (almost) done. A customer not yet here has no colour of their own.
 */
export type ProgressTone = 'neutral' | 'waiting' | 'onLift' | 'done';
export const PROGRESS_TONE: Record<WelcomeStatus, ProgressTone> = {
	expected: 'neutral',
	arrived: 'waiting',
	inService: 'onLift',
	ready: 'done'
};

const MASK = '***';
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

/**
 * A plate as the welcome board shows it: the province and the issuing letter, then *** and the
 * last two characters (沪A·12345 → 沪A·***45; the new-energy 沪A·D12345 → 沪A·***45).
 *
 * Whatever was typed into the plate field: separators (·, -, spaces) are dropped, full-width
 * characters and lower case are folded, anything that is not a letter or digit is removed. The
 * tail is shown only when at least as much stays hidden, so a short or truncated plate is never
 * shown whole; input that does not look like a plate at all is reduced to ***.
 */
export function maskPlate(plate: string): string {
	const chars = Array.from(plate.normalize('NFKC').toUpperCase()).filter((c) =>
		LETTER_OR_DIGIT.test(c)
	);
	const regional = chars.length >= 2 && HAN.test(chars[0]) && /^[A-Z]$/.test(chars[1]);
	const head = regional ? `${chars[0]}${chars[1]}·` : '';
	const body = regional ? chars.slice(2) : chars;
	const tail = body.length >= 4 ? body.slice(-2).join('') : '';
	return `${head}${MASK}${tail}`;
}

/**
 * The surname alone, even when someone typed a whole name into the surname field (王小明 → 王;
 * 欧阳娜娜 → 欧阳): the board must never show a full name. A name in Latin script (a foreign
 * customer) keeps its first word, letters only and at most 24 of them.
 */
export function greetingSurname(surname: string): string {
	const chars = Array.from(surname.normalize('NFKC').trim());
	if (chars.length === 0) return '';
	if (HAN.test(chars[0])) {
		const han = chars.filter((c) => HAN.test(c));
		const two = han.slice(0, 2).join('');
		return COMPOUND_SURNAMES.has(two) ? two : han[0];
	}
	const word = surname.normalize('NFKC').trim().split(/\s+/)[0];
	return Array.from(word)
		.filter((c) => /[\p{L}\p{M}'-]/u.test(c))
		.slice(0, 24)
		.join('');
}

/**
 * How the English greeting addresses a customer: 先生 is "Mr"; 女士 is "Ms" — it says nothing
 * of marriage, so never "Mrs" or "Miss". No title, no honorific.
 */
export function honorific(title: string): 'mr' | 'ms' | 'none' {
	return title === '先生' ? 'mr' : title === '女士' ? 'ms' : 'none';
}

/**
 * A surname in Hanyu Pinyin as it is read as a surname (曾 Zeng, 单 Shan, 解 Xie, 仇 Qiu, 区 Ou,
 * 朴 Piao), for the English greeting: "Welcome, Mr Wang". A surname the table does not know, or
 * one already in Latin script, is shown as it is.
 */
export function surnameInPinyin(surname: string): string {
	return SURNAME_PINYIN.get(surname) ?? surname;
}

/**
 * How long a welcome board goes without reading its rows when nothing told it to: booking or
 * cancelling an appointment moves no card, and a screen nobody touches must catch up by itself.
 */
export const REREAD_MS = 5 * 60_000;

/**
 * Whether a welcome board should read its rows again by itself: the store's date has moved on
 * since they were read (midnight in the store's zone: a new day's customers), or the backstop
 * interval has passed. `now` is the server's time as the screen estimates it, so that a TV whose
 * own clock is wrong still rolls over at the store's midnight.
 */
export function rereadDue(
	now: number,
	board: Pick<WelcomeBoard, 'today' | 'readAt'>,
	timeZone: string
): boolean {
	return localDate(now, timeZone) !== board.today || now - board.readAt >= REREAD_MS;
}

/**
 * The board's pages when not all rows fit: each page is `columns` columns of `perColumn` rows,
 * filled down the first column, then the next, so the eye reads them in time order.
 */
export function paginate<T>(rows: readonly T[], perColumn: number, columns: number): T[][][] {
	const column = Math.max(1, Math.floor(perColumn));
	const perPage = column * Math.max(1, Math.floor(columns));
	const pages: T[][][] = [];
	for (let start = 0; start < rows.length; start += perPage) {
		const page: T[][] = [];
		for (let c = start; c < Math.min(start + perPage, rows.length); c += column) {
			page.push(rows.slice(c, Math.min(c + column, start + perPage)));
		}
		pages.push(page);
	}
	return pages;
}

/** Two-character surnames (复姓): kept whole by `greetingSurname`. */
const COMPOUND_PINYIN =
	'欧阳Ouyang 司马Sima 诸葛Zhuge 上官Shangguan 司徒Situ 东方Dongfang 皇甫Huangfu 尉迟Yuchi ' +
	'公孙Gongsun 慕容Murong 令狐Linghu 长孙Zhangsun 宇文Yuwen 夏侯Xiahou 轩辕Xuanyuan 端木Duanmu ' +
	'独孤Dugu 南宫Nangong 西门Ximen 呼延Huyan 澹台Tantai 申屠Shentu 太史Taishi 闻人Wenren ' +
	'万俟Moqi 钟离Zhongli 宗政Zongzheng 濮阳Puyang 淳于Chunyu 单于Chanyu 公冶Gongye 百里Baili';

/** The common single-character surnames with their surname reading. */
const SINGLE_PINYIN =
	'王Wang 李Li 张Zhang 刘Liu 陈Chen 杨Yang 黄Huang 赵Zhao 吴Wu 周Zhou 徐Xu 孙Sun 马Ma 朱Zhu ' +
	'胡Hu 郭Guo 何He 高Gao 林Lin 罗Luo 郑Zheng 梁Liang 谢Xie 宋Song 唐Tang 许Xu 韩Han 冯Feng ' +
	'邓Deng 曹Cao 彭Peng 曾Zeng 肖Xiao 萧Xiao 田Tian 董Dong 袁Yuan 潘Pan 于Yu 蒋Jiang 蔡Cai ' +
	'余Yu 杜Du 叶Ye 程Cheng 苏Su 魏Wei 吕Lü 丁Ding 沈Shen 任Ren 姚Yao 卢Lu 姜Jiang 崔Cui ' +
	'钟Zhong 谭Tan 陆Lu 汪Wang 范Fan 金Jin 石Shi 廖Liao 贾Jia 夏Xia 韦Wei 付Fu 傅Fu 方Fang ' +
	'白Bai 邹Zou 孟Meng 熊Xiong 秦Qin 邱Qiu 江Jiang 尹Yin 薛Xue 闫Yan 阎Yan 段Duan 雷Lei ' +
	'侯Hou 龙Long 史Shi 陶Tao 黎Li 贺He 顾Gu 毛Mao 郝Hao 龚Gong 邵Shao 万Wan 钱Qian 严Yan ' +
	'覃Qin 武Wu 戴Dai 莫Mo 孔Kong 向Xiang 汤Tang 常Chang 温Wen 康Kang 施Shi 文Wen 牛Niu ' +
	'樊Fan 葛Ge 邢Xing 安An 齐Qi 易Yi 乔Qiao 伍Wu 庞Pang 颜Yan 倪Ni 庄Zhuang 聂Nie 章Zhang ' +
	'鲁Lu 岳Yue 翟Zhai 殷Yin 詹Zhan 申Shen 欧Ou 耿Geng 关Guan 兰Lan 焦Jiao 俞Yu 左Zuo 柳Liu ' +
	'甘Gan 祝Zhu 包Bao 宁Ning 尚Shang 符Fu 舒Shu 阮Ruan 柯Ke 纪Ji 梅Mei 童Tong 凌Ling 毕Bi ' +
	'单Shan 季Ji 裴Pei 霍Huo 涂Tu 成Cheng 苗Miao 谷Gu 盛Sheng 曲Qu 翁Weng 冉Ran 骆Luo 蓝Lan ' +
	'路Lu 游You 辛Xin 靳Jin 管Guan 柴Chai 蒙Meng 鲍Bao 华Hua 喻Yu 祁Qi 蒲Pu 房Fang 滕Teng ' +
	'屈Qu 饶Rao 解Xie 牟Mou 艾Ai 尤You 阳Yang 时Shi 穆Mu 农Nong 司Si 卓Zhuo 古Gu 吉Ji ' +
	'缪Miao 简Jian 车Che 项Xiang 连Lian 芦Lu 麦Mai 褚Chu 娄Lou 窦Dou 戚Qi 岑Cen 景Jing ' +
	'党Dang 宫Gong 费Fei 卜Bu 冷Leng 晏Yan 席Xi 卫Wei 米Mi 柏Bai 宗Zong 瞿Qu 桂Gui 全Quan ' +
	'佟Tong 应Ying 臧Zang 闵Min 苟Gou 邬Wu 边Bian 卞Bian 姬Ji 师Shi 和He 仇Qiu 栾Luan ' +
	'隋Sui 商Shang 刁Diao 沙Sha 荣Rong 巫Wu 寇Kou 桑Sang 郎Lang 甄Zhen 丛Cong 仲Zhong ' +
	'虞Yu 敖Ao 巩Gong 明Ming 佘She 池Chi 查Zha 麻Ma 苑Yuan 迟Chi 邝Kuang 区Ou 朴Piao 盖Ge ' +
	'乐Yue 郁Yu 储Chu 薄Bo 葉Ye 陳Chen 張Zhang 劉Liu 楊Yang 趙Zhao 吳Wu 許Xu 鄭Zheng';

const parsePinyin = (table: string) =>
	table
		.split(' ')
		.map((entry) => /^(\p{Script=Han}+)(\p{Script=Latin}+)$/u.exec(entry))
		.filter((match) => match !== null)
		.map((match): [string, string] => [match[1], match[2]]);

const COMPOUND = parsePinyin(COMPOUND_PINYIN);
const COMPOUND_SURNAMES = new Set(COMPOUND.map(([han]) => han));
const SURNAME_PINYIN = new Map([...COMPOUND, ...parsePinyin(SINGLE_PINYIN)]);
