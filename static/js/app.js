/*
 * Site-wide behaviour. Loaded with `defer` after Bootstrap and htmx.
 *
 * The Content-Security-Policy allows scripts from 'self' only: no inline
 * <script>, no onclick="", no eval. Pages pass data to this file through
 * data-* attributes and {{ value|json_script:"id" }} elements.
 *
 * 1. CSRF for htmx: every htmx request carries X-CSRFToken, read from
 *    <body data-csrf="{{ csrf_token }}"> (the CSRF cookie is HttpOnly).
 * 2. <button data-confirm="Are you sure?"> (also <a>, <input type=submit>, or a
 *    <form data-confirm>) asks confirm() before going on.
 * 3. <div class="echart" data-option-id="chart-opt"></div> plus
 *    {{ option|json_script:"chart-opt" }} draws an ECharts chart (the page
 *    loads echarts.min.js in {% block extra_js %}). Optional attributes:
 *    data-renderer="svg", data-theme="dark".
 * 4. A failed htmx request shows <body data-request-error="..."> as an alert
 *    in the messages area (htmx swaps nothing on 4xx/5xx by default).
 */
(function () {
  "use strict";

  // ---- 1. CSRF header on htmx requests ------------------------------------
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.body && document.body.getAttribute("data-csrf");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // ---- 2. data-confirm ------------------------------------------------------
  // Listen in the capture phase so the question comes before htmx's own click
  // handlers and before the browser submits the form.
  document.addEventListener(
    "click",
    function (event) {
      var target = event.target;
      if (!(target instanceof Element)) {
        return;
      }
      var el = target.closest("button[data-confirm], input[data-confirm], a[data-confirm]");
      if (!el || el.disabled) {
        return;
      }
      if (!window.confirm(el.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // A confirm on the <form> itself (covers submission by pressing Enter).
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
        return;
      }
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // ---- 3. ECharts -------------------------------------------------------------
  var charts = [];
  var observers = new WeakMap();

  function readOption(el) {
    var id = el.getAttribute("data-option-id");
    var source = id && document.getElementById(id);
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (err) {
      if (window.console) {
        window.console.error("Chart option " + id + " is not valid JSON", err);
      }
      return null;
    }
  }

  function initCharts(root) {
    if (!window.echarts || !root || !root.querySelectorAll) {
      return;
    }
    var nodes = [];
    if (root.matches && root.matches(".echart[data-option-id]")) {
      nodes.push(root);
    }
    Array.prototype.push.apply(nodes, root.querySelectorAll(".echart[data-option-id]"));
    nodes.forEach(function (el) {
      if (window.echarts.getInstanceByDom(el)) {
        return;
      }
      var option = readOption(el);
      if (!option) {
        return;
      }
      var chart = window.echarts.init(el, el.getAttribute("data-theme") || null, {
        renderer: el.getAttribute("data-renderer") === "svg" ? "svg" : "canvas",
      });
      chart.setOption(option);
      charts.push(chart);
      if (window.ResizeObserver) {
        var observer = new ResizeObserver(function () {
          if (!chart.isDisposed()) {
            chart.resize();
          }
        });
        observer.observe(el);
        observers.set(el, observer);
      }
    });
  }

  // htmx fires htmx:beforeCleanupElement for each element it removes,
  // descendants included, so only the element itself needs checking.
  function disposeCharts(el) {
    if (!window.echarts || !el || !el.matches || !el.matches(".echart")) {
      return;
    }
    var chart = window.echarts.getInstanceByDom(el);
    if (chart) {
      chart.dispose();
    }
    if (observers.has(el)) {
      observers.get(el).disconnect();
      observers.delete(el);
    }
    charts = charts.filter(function (c) {
      return !c.isDisposed();
    });
  }

  window.addEventListener("resize", function () {
    if (window.ResizeObserver) {
      return;
    }
    charts.forEach(function (chart) {
      if (!chart.isDisposed()) {
        chart.resize();
      }
    });
  });

  // ---- 4. htmx request errors -----------------------------------------------
  function showRequestError() {
    var text = document.body.getAttribute("data-request-error");
    var main = document.querySelector("#main > div") || document.body;
    if (!text || !main) {
      return;
    }
    var area = document.querySelector(".app-messages");
    if (!area) {
      area = document.createElement("div");
      area.className = "app-messages";
      area.setAttribute("role", "status");
      area.setAttribute("aria-live", "polite");
      main.insertBefore(area, main.firstChild);
    }
    if (area.querySelector(".app-request-error")) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible fade show app-request-error";
    alert.setAttribute("role", "alert");
    alert.appendChild(document.createTextNode(text));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", document.body.getAttribute("data-close-label") || "Close");
    alert.appendChild(close);
    area.appendChild(alert);
  }

  document.addEventListener("htmx:responseError", showRequestError);
  document.addEventListener("htmx:sendError", showRequestError);

  // ---- start -------------------------------------------------------------------
  document.addEventListener("htmx:load", function (event) {
    initCharts(event.detail && event.detail.elt);
  });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    disposeCharts(event.detail && event.detail.elt);
  });

  function start() {
    initCharts(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
