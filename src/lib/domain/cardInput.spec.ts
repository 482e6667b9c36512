import { describe, expect, it } from 'vitest';
import { checkEdit, parseEditCommand } from './cardInput';

const vehicle = (over: Record<string, unknown> = {}) => ({
	kind: 'vehicle',
	plate: '沪A·12345',
	model: '朗逸',
	vin: 'LSVAU2180N2183294',
	mileageKm: 41_200,
	...over
});

describe('a card edit is checked field by field', () => {
	it('accepts a plate however it is typed, and writes it as the board shows plates', () => {
		const parsed = parseEditCommand({
			expectedVersion: 3,
			idempotencyKey: 'edit-0001',
			edit: vehicle({ plate: '沪a 12345', vin: 'lsvau2180n2183294' })
		});
		expect(parsed).toMatchObject({
			ok: true,
			data: { edit: { plate: '沪A·12345', vin: 'LSVAU2180N2183294' } }
		});
	});

	it.each([
		['a plate that is not a plate', vehicle({ plate: 'ABC123' }), 'plate'],
		['a VIN of 16 characters', vehicle({ vin: 'LSVAU2180N218329' }), 'vin'],
		['a VIN with an O', vehicle({ vin: 'LSVAU2180N21832O4' }), 'vin'],
		['a negative mileage', vehicle({ mileageKm: -1 }), 'mileageKm'],
		['a fractional mileage', vehicle({ mileageKm: 10.5 }), 'mileageKm'],
		[
			'a phone number that is not one',
			{ kind: 'customer', name: '王强', surname: '王', title: '先生', phone: '12345' },
			'phone'
		],
		[
			'an ordered part without its ETA',
			{ kind: 'addPart', partNo: '5QD698151', name: '前刹车片', quantity: 1, unitPriceFen: 42_000, status: 'ordered', eta: null },
			'eta'
		],
		[
			'an ETA on a part in stock',
			{ kind: 'addPart', partNo: '5QD698151', name: '', quantity: 1, unitPriceFen: 0, status: 'inStock', eta: '2026-12-01' },
			'eta'
		],
		['no parts at all', { kind: 'updatePart', partId: 1, quantity: 0, unitPriceFen: 0, status: 'picked', eta: null }, 'quantity'],
		['a failed check without its reason', { kind: 'qcCheck', stage: 'lead', passed: false, reason: null }, 'reason'],
		['a technician who is not a number', { kind: 'assign', team: null, technicianId: 'tech1', bayId: null, advisorId: null }, 'technicianId'],
		['a stop-work reason nobody knows', { kind: 'stopWork', reason: 'lunch' }, 'reason'],
		['a handover check listed twice', { kind: 'handoverChecks', checks: ['partsShown', 'partsShown'] }, 'checks']
	])('refuses %s, on its field', (_what, edit, field) => {
		expect(checkEdit(edit)).toMatchObject({ code: 'invalidInput', field });
	});

	it('refuses fields nobody asked for, and kinds it does not know', () => {
		expect(checkEdit({ ...vehicle(), colour: 'red' })).toMatchObject({ code: 'invalidInput' });
		expect(checkEdit({ kind: 'paint' })).toMatchObject({ code: 'invalidInput' });
	});

	it('checks the command around the edit: its version and key', () => {
		expect(parseEditCommand({ expectedVersion: 0, idempotencyKey: 'edit-0001', edit: vehicle() })).toMatchObject({
			ok: false,
			error: { field: 'expectedVersion' }
		});
		expect(parseEditCommand({ expectedVersion: 1, idempotencyKey: 'x', edit: vehicle() })).toMatchObject({
			ok: false,
			error: { field: 'idempotencyKey' }
		});
	});
});
