"""The comparison points for "key press to redrawn" (benchmarks/bench_redraw.py): bare scripts whose chart
changes with an `epochs` slider, nothing else on the page.

    ?mode=scatter   1000 points in one st.plotly_chart; the slider picks the data's seed (the bare scatter)
    ?mode=figure    the app's own animation figure for that many epochs, sent with st.plotly_chart
    ?mode=player    the app's own animation figure for that many epochs, held by the app's player

The player mode also takes the candidate changes that bench_redraw.py measures, each off by default:
    frames=N        at most N frames (the app: 300)
    automargin=off  automargin false on every axis
    f32=on          every float64 array sent as float32
    react=frames    the frames handed to Plotly.react instead of deleteFrames then addFrames
"""

import sys
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from logreg import make_synthetic  # noqa: E402

params = st.query_params
mode = params.get("mode", "scatter")
epochs = st.slider("epochs", 1, 5000, int(params.get("epochs", 100)), key="epochs")

if mode == "scatter":
    data = make_synthetic(seed=epochs)
    st.plotly_chart(
        go.Figure(go.Scatter(x=data.X[:, 0], y=data.X[:, 1], mode="markers", marker={"color": data.y})), key="chart"
    )
else:
    from dataclasses import replace  # noqa: E402

    import numpy as np  # noqa: E402

    from logreg.app import cached  # noqa: E402
    from logreg.app.run import Synthetic  # noqa: E402
    from logreg.app.settings import Settings  # noqa: E402
    from logreg.plot_parts import MAX_FRAMES  # noqa: E402
    from logreg.ui.chart import show  # noqa: E402
    from logreg.ui.page import FRAME_MS, main_figure  # noqa: E402
    from logreg.ui.player import frame_labels, player, plotly_loader  # noqa: E402

    settings = replace(Settings(), epochs=epochs)
    data = cached.synthetic(Synthetic.of(settings))
    r = cached.training(data, settings)
    figure, _, _ = main_figure(data, r, player=mode == "player", max_frames=int(params.get("frames", MAX_FRAMES)))
    if mode == "figure":
        show(figure, key="chart")
    else:
        layout = figure["layout"]
        if params.get("automargin") == "off":
            for k, axis in layout.items():
                if k.startswith(("xaxis", "yaxis")):
                    axis["automargin"] = False
        labels = frame_labels(figure)
        if params.get("f32") == "on":

            def f32(value):
                if isinstance(value, dict):
                    return {k: f32(v) for k, v in value.items()}
                if isinstance(value, list):
                    return [f32(v) for v in value]
                if isinstance(value, np.ndarray) and value.dtype == np.float64:
                    return value.astype(np.float32)
                return value

            figure = f32(figure)
        plotly_loader()
        options = {
            "key": "animation",
            "run_id": str(epochs),
            "autoplay": params.get("autoplay") != "off",
            "frame_ms": FRAME_MS,
        }
        if params.get("react") == "frames":
            from logreg.ui import player as held  # noqa: E402

            @st.cache_resource
            def variant_player(react: str | None):
                here = Path(held.__file__).parent
                js = (here / "draw.js").read_text(encoding="utf-8") + (here / "player.js").read_text(encoding="utf-8")
                changes = []
                if react == "frames":
                    changes += [
                        (
                            "await Plotly.react(this.gd, figure.data, this.layout(this.width), data.config);\n"
                            "    await this.clearFrames(this.frameCount || 0); // the previous run's\n",
                            "await Plotly.react(this.gd, {data: figure.data, layout: this.layout(this.width), "
                            "frames: figure.frames, config: data.config});\n",
                        ),
                        ("      await Plotly.addFrames(this.gd, figure.frames);\n", ""),
                    ]
                for old, new in changes:
                    if old not in js:
                        raise RuntimeError("player.js has changed: a candidate no longer applies")
                    js = js.replace(old, new)
                return st.components.v2.component(
                    f"bench.player_{react}",
                    html=held.HTML,
                    js=js,
                    isolate_styles=False,
                    css=(Path(held.__file__).parent / "player.css").read_text(encoding="utf-8"),
                )

            from logreg.figures import NARROW_PANELS  # noqa: E402
            from logreg.plot_parts import roles, to_browser  # noqa: E402

            # what player() sends, to the variant component (player() itself stays untouched)
            component = variant_player(params.get("react"))
            component(
                key="animation",
                default={"epoch": None},
                on_epoch_change=lambda: None,
                data={
                    "figure": to_browser(figure),
                    "readouts": labels,
                    "id": str(epochs),
                    "autoplay": options["autoplay"],
                    "frame_ms": FRAME_MS,
                    "narrow": [list(p) for p in NARROW_PANELS],
                    "reveal": list(held.REVEALED),
                    "config": held.CONFIG,
                    "keys": True,
                    "present": False,
                    "roles": roles(),
                },
            )
        else:
            player(figure, labels, **options)
