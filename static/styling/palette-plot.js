/* 3D colour plots (Plotly): every palette on the page gets an RGB cube / HSV cylinder view.
   Data comes from the json_script next to the swatches; without JS the swatches stay. */
(function () {
  "use strict";
  if (!window.Plotly) return;
  var AXIS = { showbackground: true, backgroundcolor: "#f6f3ea", gridcolor: "#ccc", zerolinecolor: "#999" };

  function traces(points, space) {
    var xyz = space === "rgb" ? points.rgb : points.hsv;
    var sizes = points.share.map(function (s) { return 6 + Math.sqrt(s) * 70; });
    var data = [{
      type: "scatter3d",
      mode: "markers",
      x: xyz.map(function (p) { return p[0]; }),
      y: xyz.map(function (p) { return p[1]; }),
      z: xyz.map(function (p) { return p[2]; }),
      text: points.hex.map(function (h, i) { return h + " · " + (points.share[i] * 100).toFixed(1) + "%"; }),
      hoverinfo: "text",
      marker: { size: sizes, color: points.hex, opacity: 1, line: { color: "#222", width: 1 } }
    }];
    if (space === "hsv") {  // the cylinder's rim at full saturation, top and bottom
      var rim = { x: [], y: [], z: [] };
      [0, 1].forEach(function (v) {
        for (var a = 0; a <= 360; a += 10) {
          rim.x.push(Math.cos(a * Math.PI / 180)); rim.y.push(Math.sin(a * Math.PI / 180)); rim.z.push(v);
        }
        rim.x.push(null); rim.y.push(null); rim.z.push(null);
      });
      data.push({ type: "scatter3d", mode: "lines", x: rim.x, y: rim.y, z: rim.z, hoverinfo: "skip",
        line: { color: "#999", width: 2 } });
    }
    return data;
  }

  function layout(space) {
    var names = space === "rgb" ? ["Red", "Green", "Blue"] : ["s·cos(hue)", "s·sin(hue)", "Value"];
    var ranges = space === "rgb" ? [[0, 255], [0, 255], [0, 255]] : [[-1, 1], [-1, 1], [0, 1]];
    function axis(i) { return Object.assign({ title: { text: names[i] }, range: ranges[i] }, AXIS); }
    return {
      margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false, paper_bgcolor: "rgba(0,0,0,0)",
      scene: { xaxis: axis(0), yaxis: axis(1), zaxis: axis(2), aspectmode: "cube" }
    };
  }

  document.querySelectorAll(".palette").forEach(function (figure) {
    var plot = figure.querySelector(".palette-plot");
    var source = document.getElementById(plot.getAttribute("data-points"));
    if (!source) return;
    var points = JSON.parse(source.textContent);
    var wrap = figure.querySelector(".palette-plot-wrap");
    wrap.hidden = false;
    var buttons = figure.querySelectorAll("[data-space]");
    function show(space) {
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-space") === space)); });
      plot.setAttribute("data-space", space);
      window.Plotly.react(plot, traces(points, space), layout(space), { displaylogo: false, responsive: true });
    }
    buttons.forEach(function (b) { b.addEventListener("click", function () { show(b.getAttribute("data-space")); }); });
    show("rgb");
  });
})();
