"""Applicability conditions: boolean expressions over the orientation's variables.

Grammar: variable names joined by `and`, `or`, `not` and parentheses — nothing else. Expressions
are parsed with Python's `ast` and only those nodes are accepted, so evaluating one can never run
code."""

import ast
from functools import lru_cache

#: The orientation variables a condition may use, with what they mean.
VARIABLES = {
    "uses_ai": "le service utilise de l'intelligence artificielle",
    "exchanges_data": "l'échange de données avec Mon espace santé est demandé",
    "is_medical_device": "le service est un dispositif médical",
    "stores_health_data": "le service héberge des données de santé",
    "has_professional_users": "le service a des utilisateurs professionnels de santé",
    "publishes_health_content": "le service publie des contenus de santé",
    "has_connected_devices": "le service est lié à des objets connectés",
    "has_mobile_app": "le service existe en application mobile",
    "is_paid": "le service est payant (tout ou partie)",
}


class ConditionError(ValueError):
    """A condition that is not valid; the message is French."""


@lru_cache(maxsize=1024)
def parse_condition(text: str) -> ast.Expression | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ConditionError(f"condition illisible : « {text} »") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in VARIABLES:
                known = ", ".join(sorted(VARIABLES))
                raise ConditionError(
                    f"variable inconnue « {node.id} » dans la condition « {text} » "
                    f"(variables connues : {known})"
                )
        elif not isinstance(
            node, ast.Expression | ast.BoolOp | ast.And | ast.Or | ast.UnaryOp | ast.Not | ast.Load
        ):
            raise ConditionError(
                f"la condition « {text} » ne peut combiner que des variables avec "
                "and, or, not et des parenthèses"
            )
    return tree


def _evaluate(node, variables) -> bool:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, variables)
    if isinstance(node, ast.Name):
        return bool(variables[node.id])
    if isinstance(node, ast.UnaryOp):
        return not _evaluate(node.operand, variables)
    if isinstance(node.op, ast.And):
        return all(_evaluate(value, variables) for value in node.values)
    return any(_evaluate(value, variables) for value in node.values)


def condition_holds(text: str, variables: dict[str, bool]) -> bool:
    """True when the condition is empty or holds for these orientation variables."""
    tree = parse_condition(text)
    return True if tree is None else _evaluate(tree, variables)
