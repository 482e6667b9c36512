-- BENCH-ONLY EXPERIMENT, created in the bench's own database only: the move transaction of
-- src/lib/server/board/move.ts as one server-side function, so that a move is ONE round trip
-- (`select bench_move_card(...)` in autocommit: the commit happens before the answer leaves, so an
-- acknowledged move is still a committed move). Same steps and rules: idempotency key lock and
-- replay, card row lock, version check, the transition rules of src/lib/domain/transitions.ts, the
-- store's sequence, the card update, event, audit row and command result. The moved card is the
-- locked card patched (column, version, reworkCount, columnEnteredAt) instead of a second read of
-- board_card_view. It measures what the round trips cost; it is not a drop-in replacement.
create or replace function bench_move_card(
	p_store bigint, p_card bigint, p_to text, p_expected int, p_key text,
	p_actor_user bigint, p_actor_label text, p_source text
) returns jsonb
language plpgsql as $$
declare
	v_done jsonb;
	v_card jsonb;
	v_from text;
	v_reason text;
	v_rework boolean;
	v_seq bigint;
	v_at text;
	v_after jsonb;
	v_event jsonb;
begin
	perform pg_advisory_xact_lock(hashtextextended(p_key, p_store));
	select result into v_done from command_results where store_id = p_store and idempotency_key = p_key;
	if found then
		return jsonb_build_object('ok', true, 'replayed', true, 'event', v_done);
	end if;
	perform 1 from cards where id = p_card and store_id = p_store and archived_at is null for update;
	if not found then
		return jsonb_build_object('ok', false, 'code', 'cardNotFound');
	end if;
	select card into v_card from board_card_view where id = p_card;
	if (v_card->>'version')::int <> p_expected then
		return jsonb_build_object('ok', false, 'code', 'versionConflict', 'card', v_card);
	end if;
	v_from := v_card->>'column';
	v_reason := case
		when v_from = p_to then 'sameColumn'
		when (v_from, p_to) in (('ready', 'prep'), ('confirmed', 'ready'), ('qc', 'inBay')) then null
		when (v_from, p_to) not in (('prep', 'ready'), ('ready', 'confirmed'), ('confirmed', 'inBay'),
			('inBay', 'qc'), ('qc', 'wash'), ('qc', 'handover'), ('wash', 'handover')) then 'skipsSteps'
		when p_to = 'ready' and (v_card->>'partsWaiting')::boolean then 'partsWaiting'
		when p_to = 'qc' and jsonb_typeof(v_card->'stopWork') = 'object' then 'stoppedWork'
		when p_to = 'wash' and (v_card->>'washDeclined')::boolean then 'washDeclined'
		when v_from = 'qc' and p_to = 'handover' and not (v_card->>'washDeclined')::boolean then 'washNotDeclined'
	end;
	if v_reason is not null then
		return jsonb_build_object('ok', false, 'code', 'moveRefused', 'reason', v_reason, 'card', v_card);
	end if;
	v_rework := v_from = 'qc' and p_to = 'inBay';

	insert into store_sequences (store_id, last_seq) values (p_store, 1)
	on conflict (store_id) do update set last_seq = store_sequences.last_seq + 1
	returning last_seq into v_seq;
	update cards set
		board_column = p_to,
		version = version + 1,
		rework_count = rework_count + v_rework::int,
		column_entered_at = now(),
		updated_at = now()
	where id = p_card
	returning iso_utc(now()) into v_at;
	v_after := v_card || jsonb_build_object(
		'column', p_to,
		'version', p_expected + 1,
		'reworkCount', (v_card->>'reworkCount')::int + v_rework::int,
		'columnEnteredAt', v_at);
	v_event := jsonb_build_object('seq', v_seq, 'type', 'card:moved', 'card', v_after, 'from', v_from,
		'at', v_at, 'actor', p_actor_label);
	insert into board_events (store_id, seq, type, card_id, payload)
	values (p_store, v_seq, 'card:moved', p_card, v_event);
	insert into audit_log (store_id, card_id, seq, actor_user_id, actor_label, action, detail, source)
	values (p_store, p_card, v_seq, p_actor_user, p_actor_label, 'card.move',
		jsonb_build_object('from', v_from, 'to', p_to, 'version', p_expected + 1, 'rework', v_rework), p_source);
	insert into command_results (store_id, idempotency_key, result) values (p_store, p_key, v_event);
	return jsonb_build_object('ok', true, 'replayed', false, 'event', v_event);
end
$$;
