-- Survey answers of a consultation (form of participation "survey"): one
-- open-text answer per respondent and question, replaced when the respondent
-- answers again. The respondent is kept (to replace and show their own
-- answers, and to count respondents) but never published: the answers are
-- listed without authors and in a shuffled order (by the random id), so that
-- one person's answers cannot be lined up across questions or in time.

create table survey_answers (
    question_id     uuid not null references consultation_questions (id) on delete cascade,
    account_id      uuid not null references accounts (id) on delete cascade,
    consultation_id uuid not null references consultations (id) on delete cascade,
    -- The answer's LocalizedText, written by the respondent; a new answer is
    -- a new text, and the service deletes the text it replaces or removes.
    text_id         uuid not null references texts (id),
    -- Random key of the listing order and of its cursors: it says nothing
    -- about who answered or when. Renewed with every new answer.
    id              uuid not null default gen_random_uuid() unique,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    primary key (question_id, account_id)
);
create index survey_answers_consultation_idx on survey_answers (consultation_id, account_id);
create index survey_answers_question_idx on survey_answers (question_id, id);
create index survey_answers_account_idx on survey_answers (account_id);
