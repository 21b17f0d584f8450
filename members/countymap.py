"""Layout of the schematic county map (县区分布示意图) drawn as inline SVG.

Each county is a tile placed roughly where it lies (north at the top): a diagram for
finding a county, not a map. It claims no borders or areas, and the page says so.
"""

TILE_WIDTH = 112
TILE_HEIGHT = 60
VIEWBOX = (0, 0, 500, 520)

# slug -> top-left corner of the tile
TILE_POSITIONS = {
    "wuqi": (8, 20),
    "zhidan": (128, 70),
    "ansai": (248, 40),
    "zichang": (376, 8),
    "yanchuan": (380, 112),
    "baota": (258, 150),
    "yanchang": (384, 216),
    "ganquan": (190, 232),
    "yichuan": (372, 322),
    "fuxian": (130, 322),
    "huangling": (8, 420),
    "luochuan": (150, 420),
    "huanglong": (296, 432),
}


def tiles(branches) -> list[dict]:
    """SVG geometry for each branch that has a place on the map."""
    result = []
    for branch in branches:
        position = TILE_POSITIONS.get(branch.slug)
        if position is None:
            continue
        x, y = position
        result.append(
            {
                "branch": branch,
                "x": x,
                "y": y,
                "width": TILE_WIDTH,
                "height": TILE_HEIGHT,
                "text_x": x + TILE_WIDTH // 2,
                "text_y": y + TILE_HEIGHT // 2,
            }
        )
    return result


def viewbox() -> str:
    return " ".join(str(n) for n in VIEWBOX)
