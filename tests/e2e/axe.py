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
