"""Database-enforced ledger rules (DESIGN.md section 4).

1. Every transfer row applies itself to the cached sums of its two accounts (AFTER INSERT, and
   when a hold ends). Python never writes those sums; a direct UPDATE of them is refused, so
   cached balances always equal the sums of their transfers.
2. A transfer moves one asset: both accounts must hold the transfer's asset.
3. Transfers and entries are never edited or deleted. The one change allowed is a hold's
   status going once from pending to posted or voided (with its resolution time).
The CHECK constraints of migration 0001 then keep user accounts from going below zero.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION escrow_transfer_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (
            SELECT 1 FROM escrow_ledgeraccount
            WHERE id IN (NEW.debit_account_id, NEW.credit_account_id)
              AND asset_id <> NEW.asset_id
        ) THEN
            RAISE EXCEPTION 'transfer % mixes assets', NEW.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.phase IN ('single', 'post') THEN
            UPDATE escrow_ledgeraccount SET posted_debits = posted_debits + NEW.amount
                WHERE id = NEW.debit_account_id;
            UPDATE escrow_ledgeraccount SET posted_credits = posted_credits + NEW.amount
                WHERE id = NEW.credit_account_id;
        ELSIF NEW.phase = 'pending' THEN
            IF NEW.status <> 'pending' THEN
                RAISE EXCEPTION 'a hold starts pending'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            UPDATE escrow_ledgeraccount SET pending_debits = pending_debits + NEW.amount
                WHERE id = NEW.debit_account_id;
            UPDATE escrow_ledgeraccount SET pending_credits = pending_credits + NEW.amount
                WHERE id = NEW.credit_account_id;
        END IF;
        -- 'void' rows only record what a hold gave back; ending the hold moved the sums.
    ELSE
        -- UPDATE: the guard trigger let through only a hold ending
        UPDATE escrow_ledgeraccount SET pending_debits = pending_debits - OLD.amount
            WHERE id = OLD.debit_account_id;
        UPDATE escrow_ledgeraccount SET pending_credits = pending_credits - OLD.amount
            WHERE id = OLD.credit_account_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION escrow_transfer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger transfer % cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.phase = 'pending' AND OLD.status = 'pending'
       AND NEW.status IN ('posted', 'voided')
       AND (to_jsonb(NEW) - 'status' - 'resolved_at') = (to_jsonb(OLD) - 'status' - 'resolved_at')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger transfer % is immutable', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE FUNCTION escrow_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entry % is immutable', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE FUNCTION escrow_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.posted_debits <> 0 OR NEW.posted_credits <> 0
           OR NEW.pending_debits <> 0 OR NEW.pending_credits <> 0 THEN
            RAISE EXCEPTION 'a ledger account starts empty'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger account % cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- depth 1 is a statement from outside; the transfer trigger runs at depth 2
    IF pg_trigger_depth() < 2 AND (
        NEW.posted_debits IS DISTINCT FROM OLD.posted_debits
        OR NEW.posted_credits IS DISTINCT FROM OLD.posted_credits
        OR NEW.pending_debits IS DISTINCT FROM OLD.pending_debits
        OR NEW.pending_credits IS DISTINCT FROM OLD.pending_credits
    ) THEN
        RAISE EXCEPTION 'balances of ledger account % change only through transfers', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.owner_id IS DISTINCT FROM OLD.owner_id OR NEW.asset_id <> OLD.asset_id
       OR NEW.kind <> OLD.kind THEN
        RAISE EXCEPTION 'ledger account % cannot change owner, asset or kind', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER escrow_transfer_guard BEFORE UPDATE OR DELETE ON escrow_transfer
    FOR EACH ROW EXECUTE FUNCTION escrow_transfer_guard();
CREATE TRIGGER escrow_transfer_apply AFTER INSERT OR UPDATE ON escrow_transfer
    FOR EACH ROW EXECUTE FUNCTION escrow_transfer_apply();
CREATE TRIGGER escrow_entry_guard BEFORE UPDATE OR DELETE ON escrow_entry
    FOR EACH ROW EXECUTE FUNCTION escrow_entry_guard();
CREATE TRIGGER escrow_account_guard BEFORE INSERT OR UPDATE OR DELETE ON escrow_ledgeraccount
    FOR EACH ROW EXECUTE FUNCTION escrow_account_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS escrow_account_guard ON escrow_ledgeraccount;
DROP TRIGGER IF EXISTS escrow_entry_guard ON escrow_entry;
DROP TRIGGER IF EXISTS escrow_transfer_apply ON escrow_transfer;
DROP TRIGGER IF EXISTS escrow_transfer_guard ON escrow_transfer;
DROP FUNCTION IF EXISTS escrow_account_guard();
DROP FUNCTION IF EXISTS escrow_entry_guard();
DROP FUNCTION IF EXISTS escrow_transfer_apply();
DROP FUNCTION IF EXISTS escrow_transfer_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("escrow", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
