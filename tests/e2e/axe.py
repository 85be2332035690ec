"""axe-core checks (axe-playwright-python ships axe.min.js: no download)."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def enhanced_contrast_violations(page) -> list[str]:
    """WCAG 1.4.6 (AAA): every text at 7:1 (4.5:1 when large), axe's
    ``color-contrast-enhanced`` rule alone (it is off by default)."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}, "resultTypes": ["violations"]},
    )
    return [
        f"{node['target']}: {node.get('any', [{}])[0].get('message', '')}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]
