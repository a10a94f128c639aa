/*
 * The economic overview's charts (apps/insights). Loaded with `defer` after ECharts.
 *
 * Each <div class="insights-chart" data-src="/insights/api/<chart>.json?..."
 * data-kind="bar|line"> is drawn from the JSON the URL returns (the same figures the
 * chart's xlsx download holds). Clicking a bar or a point goes to that cell's URL: the
 * dashboard one level down (drill-down) or at that quarter. Cells suppressed for the
 * user's grade ("<3") have no value and no URL. The buttons of #insights-metric switch
 * the figure every chart shows. No inline script: the CSP allows 'self' only.
 */
(function () {
  "use strict";

  var BAR_HEIGHT = 22;
  var drawn = [];
  var metric = "revenue";

  function unitOf(data, name) {
    if (name === "enterprises") {
      return "";
    }
    return name === "employees" ? data.units.employees : data.units.money;
  }

  function formatNumber(value) {
    if (value === null || value === undefined) {
      return "<3";
    }
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  function barOption(data, name) {
    // Suppressed cells have no bar: their row in the table says "<3".
    var cells = data.cells.filter(function (c) {
      return !c.suppressed;
    });
    return {
      cells: cells,
      option: {
        tooltip: {
          trigger: "axis",
          // Drawn on the canvas: an HTML tooltip sets style attributes, which the CSP refuses.
          renderMode: "richText",
          axisPointer: { type: "shadow" },
          valueFormatter: function (v) {
            return formatNumber(v) + " " + unitOf(data, name);
          },
        },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", name: unitOf(data, name) },
        yAxis: {
          type: "category",
          inverse: true,
          data: cells.map(function (c) {
            return c.label;
          }),
          axisLabel: { width: 110, overflow: "truncate" },
        },
        series: [
          {
            name: data.labels[name],
            type: "bar",
            barMaxWidth: 18,
            cursor: "pointer",
            data: cells.map(function (c) {
              return c[name];
            }),
          },
        ],
      },
    };
  }

  function lineOption(data, name) {
    var cells = data.cells;
    return {
      cells: cells,
      option: {
        tooltip: {
          trigger: "axis",
          renderMode: "richText",
          valueFormatter: function (v) {
            return formatNumber(v) + " " + unitOf(data, name);
          },
        },
        grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
        xAxis: {
          type: "category",
          data: cells.map(function (c) {
            return c.key;
          }),
        },
        yAxis: { type: "value", name: unitOf(data, name) },
        series: [
          {
            name: data.labels[name],
            type: "line",
            smooth: true,
            symbolSize: 8,
            cursor: "pointer",
            // A quarter without any ledger row is a gap, not a zero.
            data: cells.map(function (c) {
              return c.enterprises === 0 ? null : c[name];
            }),
          },
        ],
      },
    };
  }

  function render(entry) {
    var built =
      entry.el.getAttribute("data-kind") === "line"
        ? lineOption(entry.data, metric)
        : barOption(entry.data, metric);
    entry.cells = built.cells;
    if (entry.el.getAttribute("data-kind") !== "line") {
      // One row per bar: 43 街乡 stay readable on a phone.
      var height = Math.max(240, built.cells.length * BAR_HEIGHT + 48);
      entry.el.style.height = height + "px";
      entry.chart.resize();
    }
    entry.chart.setOption(built.option, true);
  }

  function showEmpty(el) {
    var note = document.createElement("p");
    note.className = "text-body-secondary small m-2";
    note.textContent = el.getAttribute("data-empty") || "";
    el.style.height = "auto";
    el.appendChild(note);
  }

  function draw(el) {
    var url = el.getAttribute("data-src");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(url + " answered " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (!data.cells || !data.cells.length) {
          showEmpty(el);
          return;
        }
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        var entry = { el: el, chart: chart, data: data, cells: [] };
        chart.on("click", function (params) {
          var cell = entry.cells[params.dataIndex];
          if (cell && cell.url) {
            window.location.href = cell.url;
          }
        });
        drawn.push(entry);
        render(entry);
        el.setAttribute("data-drawn", "1");
        if (window.ResizeObserver) {
          new ResizeObserver(function () {
            if (!chart.isDisposed()) {
              chart.resize();
            }
          }).observe(el);
        }
      })
      .catch(function (err) {
        if (window.console) {
          window.console.error(err);
        }
        showEmpty(el);
      });
  }

  function bindMetric() {
    var group = document.getElementById("insights-metric");
    if (!group) {
      return;
    }
    group.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-metric]");
      if (!button) {
        return;
      }
      metric = button.getAttribute("data-metric");
      group.querySelectorAll("button[data-metric]").forEach(function (b) {
        var on = b === button;
        b.classList.toggle("active", on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
      drawn.forEach(render);
    });
  }

  function start() {
    if (!window.echarts) {
      return;
    }
    bindMetric();
    document.querySelectorAll(".insights-chart[data-src]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
