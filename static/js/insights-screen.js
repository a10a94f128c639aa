/* 数据大屏: fetch the figures from the page's data-url, draw them with ECharts, fetch again
   every `refresh` seconds. No inline script (CSP): everything comes from data- attributes
   and the JSON. A 404 means the display token was revoked: the screen says so and stops. */
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.url;
  var charts = {};
  var timer = null;
  var AXIS = { color: "#8fb4ff", fontSize: 16 };
  var SPLIT = { lineStyle: { color: "rgba(143,180,255,.15)" } };
  var PALETTE = ["#3aa0ff", "#ffb84d", "#3ddc97", "#ff6b6b", "#b48cff", "#5ad8e6"];
  // The platform's own Chinese font (static/vendor/fic-sans-sc-*), loaded by the CSS.
  var TEXT = { fontFamily: "'FIC Sans SC', 'Microsoft YaHei', sans-serif" };

  function fit() {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    body.style.transform = "scale(" + scale + ")";
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  }

  function tick() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    document.getElementById("screen-clock").textContent =
      now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " +
      pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
  }

  function chart(id) {
    if (!charts[id]) { charts[id] = window.echarts.init(document.getElementById(id), null, { renderer: "canvas" }); }
    return charts[id];
  }

  function title(text) {
    return { text: text, left: "center", top: 6, textStyle: { color: "#fff", fontSize: 22, fontWeight: "normal" } };
  }

  function bars(id, name, rows, horizontal) {
    var names = rows.map(function (r) { return r.name; });
    var values = rows.map(function (r) { return r.value; });
    var category = { type: "category", data: names, axisLabel: AXIS, inverse: horizontal };
    var value = { type: "value", axisLabel: AXIS, splitLine: SPLIT };
    chart(id).setOption({
      animation: false,
      textStyle: TEXT,
      title: title(name),
      color: PALETTE,
      grid: { left: 16, right: 48, top: 52, bottom: 16, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", data: values, barMaxWidth: 28,
        label: { show: true, position: horizontal ? "right" : "top", color: "#dbe7ff", fontSize: 14 } }]
    }, true);
  }

  function ring(id, name, rows) {
    chart(id).setOption({
      animation: false,
      textStyle: TEXT,
      title: title(name),
      color: PALETTE,
      legend: { bottom: 8, textStyle: { color: "#dbe7ff", fontSize: 16 } },
      series: [{ type: "pie", radius: ["40%", "65%"], center: ["50%", "52%"],
        label: { color: "#dbe7ff", fontSize: 16, formatter: "{b}\n{d}%" },
        data: rows.map(function (r) { return { name: r.name, value: r.value }; }) }]
    }, true);
  }

  function trend(id, data) {
    chart(id).setOption({
      animation: false,
      textStyle: TEXT,
      title: title(data.names.trend),
      color: PALETTE,
      legend: { top: 40, textStyle: { color: "#dbe7ff", fontSize: 16 } },
      grid: { left: 16, right: 24, top: 80, bottom: 16, containLabel: true },
      xAxis: { type: "category", data: data.trend.labels, axisLabel: { color: "#8fb4ff", fontSize: 13, rotate: 30 } },
      yAxis: { type: "value", axisLabel: AXIS, splitLine: SPLIT },
      series: [
        { name: data.names.revenue, type: "line", smooth: true, data: data.trend.revenue, areaStyle: { opacity: 0.15 } },
        { name: data.names.tax, type: "line", smooth: true, data: data.trend.tax }
      ]
    }, true);
  }

  function headline(items) {
    var box = document.getElementById("screen-headline");
    box.textContent = "";
    items.forEach(function (item) {
      var card = document.createElement("div");
      card.className = "screen-card";
      card.dataset.key = item.key;
      var label = document.createElement("div");
      label.className = "screen-card-label";
      label.textContent = item.label;
      var value = document.createElement("div");
      value.className = "screen-card-value";
      value.textContent = item.text;
      var unit = document.createElement("span");
      unit.className = "screen-card-unit";
      unit.textContent = item.unit;
      value.appendChild(unit);
      card.appendChild(label);
      card.appendChild(value);
      if (item.change) {
        var change = document.createElement("div");
        change.className = "screen-card-change " + (item.up ? "up" : "down");
        change.textContent = (item.up ? "▲ " : "▼ ") + item.change;
        card.appendChild(change);
      }
      box.appendChild(card);
    });
  }

  function notice(text) {
    var box = document.getElementById("screen-notice");
    box.textContent = text;
    box.hidden = !text;
  }

  function draw(data) {
    document.getElementById("screen-title").textContent = data.title;
    document.getElementById("screen-period").textContent = data.period;
    document.getElementById("screen-updated").textContent = data.updated;
    headline(data.headline);
    if (data.by_street.length) {
      bars("chart-main", data.names.by_street, data.by_street, true);
    } else {
      bars("chart-main", data.names.by_section, data.by_section, true);
    }
    trend("chart-trend", data);
    ring("chart-size", data.names.by_size, data.by_size);
    bars("chart-section", data.names.by_section, data.by_section, false);
    body.dataset.ready = "1";
  }

  function load() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404 || response.status === 403) {
          notice(body.dataset.gone);
          window.clearInterval(timer);
          return null;
        }
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        notice("");
        draw(data);
        if (!timer) { timer = window.setInterval(load, Math.max(10, data.refresh) * 1000); }
      })
      .catch(function () {
        notice(body.dataset.failed);
        if (!timer) { timer = window.setInterval(load, 60000); }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fit();
    tick();
    window.setInterval(tick, 1000);
    window.addEventListener("resize", fit);
    window.addEventListener("screen:refresh", load);  // fetch now (used by the browser test)
    load();
  });
})();
