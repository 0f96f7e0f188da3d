/* channelhub dashboard: the little behaviour the pages need, without inline scripts.
 *
 * Everything is opt-in through data attributes, so a page without them runs nothing:
 *   data-live-url        an execution page polls its JSON while the run is active
 *   data-bell-url        the header bell refreshes its count and drop-down
 *   data-preview-url     the feed form shows the next run times of the schedule being typed
 *   data-production-from the integration form asks to confirm a switch to production
 *   data-refresh-seconds the overview reloads itself while nobody is using it
 *   data-confirm         a form asks before it is submitted
 * The JSON endpoints answer HTML fragments rendered by the server's own templates.
 *
 * The Content-Security-Policy runs no inline handler and no javascript: URL. Flask-Admin's
 * templates still write href="javascript:void(0)" on links that stand in for buttons (their
 * inline onclick handlers are removed by our copies of two of its templates, in
 * templates/admin/model/); such a link must not navigate, so its default action is cancelled.
 */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function withParam(url, name, value) {
    var u = new URL(url, window.location.href);
    u.searchParams.set(name, value);
    return u.toString();
  }

  function replace(id, html) {
    var node = document.getElementById(id);
    if (node && typeof html === "string") { node.innerHTML = html; }
  }

  function liveExecution(root) {
    var url = root.getAttribute("data-live-url");
    var every = parseInt(root.getAttribute("data-live-seconds") || "2", 10) * 1000;
    var after = root.getAttribute("data-after") || "0";
    function tick() {
      getJSON(withParam(url, "after", after)).then(function (data) {
        replace("execution-header", data.header);
        replace("execution-fields", data.fields);
        replace("execution-attempts", data.attempts);
        replace("event-tabs", data.tabs);
        var body = document.getElementById("events-body");
        if (body && data.events) {
          var empty = document.getElementById("events-empty");
          if (empty) { empty.remove(); }
          body.insertAdjacentHTML("beforeend", data.events);
        }
        after = String(data.last_event_id);
        root.setAttribute("data-after", after);
        root.setAttribute("data-status", data.status);
        if (data.events) { refreshBell(); }
        if (data.active) {
          window.setTimeout(tick, every);
        } else {
          refreshBell();
          root.removeAttribute("data-live-active");
          var note = document.getElementById("live-note");
          if (note) { note.textContent = "Finished: this page is up to date."; }
        }
      }).catch(function () { window.setTimeout(tick, every * 3); });
    }
    window.setTimeout(tick, every);
  }

  function refreshBell() {
    var menu = document.getElementById("error-bell-menu");
    if (!menu || menu.classList.contains("show")) { return; }
    getJSON(menu.getAttribute("data-bell-url")).then(function (data) {
      var count = document.getElementById("error-bell-count");
      var link = document.getElementById("error-bell");
      if (count) {
        count.textContent = data.label;
        count.classList.toggle("badge-danger", data.count > 0);
        count.classList.toggle("badge-secondary", data.count === 0);
      }
      if (link) { link.title = data.title; }
      menu.innerHTML = data.menu;
    }).catch(function () { /* keep what is shown; the next refresh tries again */ });
  }

  function bell() {
    window.setInterval(function () {
      if (!document.hidden) { refreshBell(); }
    }, 60000);
  }

  function schedulePreview(node) {
    var url = node.getAttribute("data-preview-url");
    var list = document.getElementById("schedule-preview");
    var cron = document.querySelector("[name=schedule_cron]");
    var interval = document.querySelector("[name=interval_seconds]");
    if (!list || !cron || !interval) { return; }
    var timer = null;
    function update() {
      var u = withParam(withParam(url, "cron", cron.value), "interval", interval.value);
      getJSON(u).then(function (data) {
        list.innerHTML = data.html;
      }).catch(function () { /* the server validates again on save */ });
    }
    [cron, interval].forEach(function (input) {
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(update, 300);
      });
    });
  }

  function productionConfirm(form) {
    var from = form.getAttribute("data-production-from");
    var mode = form.querySelector("[name=mode]");
    var group = document.getElementById("confirm-production");
    if (!mode || !group) { return; }
    function sync() {
      var needed = mode.value === "production" && from !== "production";
      group.classList.toggle("d-none", !needed);
    }
    mode.addEventListener("change", sync);
    sync();
  }

  function autoRefresh(node) {
    var seconds = parseInt(node.getAttribute("data-refresh-seconds"), 10);
    if (!seconds) { return; }
    window.setInterval(function () {
      var busy = document.hidden || document.querySelector(".dropdown-menu.show");
      if (!busy) { window.location.reload(); }
    }, seconds * 1000);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="javascript:"]');
    if (link) { event.preventDefault(); }
  }, true);

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    // The bell is a link to the error list for pages without scripts; here it opens its menu.
    var bellLink = document.getElementById("error-bell");
    if (bellLink) {
      bellLink.addEventListener("click", function (event) { event.preventDefault(); });
    }
    document.querySelectorAll("[data-live-url][data-live-active]").forEach(liveExecution);
    document.querySelectorAll("[data-bell-url]").forEach(bell);
    document.querySelectorAll("[data-preview-url]").forEach(schedulePreview);
    document.querySelectorAll("form[data-production-from]").forEach(productionConfirm);
    document.querySelectorAll("[data-refresh-seconds]").forEach(autoRefresh);
  });
})();
