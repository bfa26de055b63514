"""The outcomes framework: a declarative rulebook (schema, rulebook) compiled to SQL
(compile) and evaluated at checkpoints (evaluate) into flags, eligibility, scores and claims
(outcomes, scoring, claims, claim_check), run as the pipeline stage ``outcomes`` (stage)."""
