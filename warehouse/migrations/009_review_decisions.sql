-- A person's decisions on news candidates extraction could not decide (`fines review`).
-- Keyed by the item's review key (feed, record id and sentence), the same on every run and
-- replay, so a later run re-applies the decision: accepted items become facts with these
-- corrections (source_kind 'reviewed'), rejected ones stay closed in ops.quarantine.
create table ops.review_decisions (
    review_key varchar primary key,
    quarantine_id varchar not null,
    feed varchar not null,
    decision varchar not null check (decision in ('accept', 'reject')),
    reason varchar,
    platform varchar,
    jurisdiction varchar,
    authority varchar,
    currency varchar,
    amount varchar,
    decision_date date,
    decided_at timestamp
);

-- Items held before this version waited at stage 'extract'; they now wait for review.
update ops.quarantine set stage = 'review' where stage = 'extract';

comment on table ops.review_decisions is
'A person''s decision on one news item held for review: accept (with corrections, null when '
'kept) or reject (with a reason). Re-applied whenever the item arrives again. decided_at is '
'when the person decided; it is never compared for idempotency.';
comment on column ops.review_decisions.amount is
'Corrected amount as exact text, as typed (any size); null when the extracted amount is kept.';
