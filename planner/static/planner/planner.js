// The planner's small helpers: moving sessions on the board, a card's details beside the board, the conflict
// check while a session is edited, the venue's time zone beside the times, the chosen members only while
// attendance is "chosen", the delivery progress, and the print button.
// Every page works without this file.
"use strict";

function checkConflicts(form) {
  const target = document.getElementById("conflicts");
  if (!target) return;
  fetch(form.dataset.checkUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    .then((html) => { target.innerHTML = html; })
    .catch(() => { /* the "Check conflicts" button still works */ });
}

function followVenueZone(form) {
  const venue = form.querySelector("select[name='venue']");
  const zoneInput = form.querySelector("input[name='time_zone']");
  if (!venue || !zoneInput) return;
  const fallback = form.dataset.visitZone || zoneInput.value;
  venue.addEventListener("change", () => {
    const option = venue.options[venue.selectedIndex];
    const zone = (option && option.dataset.zone) || fallback;
    zoneInput.value = zone;
    form.querySelectorAll("[data-zone-name]").forEach((node) => { node.textContent = zone; });
  });
}

// The chosen members matter only when attendance is "chosen": without this script they are always shown.
function followAttendance(form) {
  const attendance = form.querySelector("select[name='attendance']");
  const attendees = form.querySelector("[data-attendees]");
  if (!attendance || !attendees) return;
  const show = () => { attendees.hidden = attendance.value !== "chosen"; };
  attendance.addEventListener("change", show);
  show();
}

function watchSessionForm(form) {
  let timer = null;
  followVenueZone(form);
  followAttendance(form);
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(() => checkConflicts(form), 300);
  });
}

function pollDelivery(section) {
  const seconds = Number(section.dataset.refreshSeconds || 3);
  const update = () => {
    fetch(section.dataset.progressUrl, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((data) => {
        const bar = section.querySelector("progress");
        bar.max = data.total;
        bar.value = data.done;
        section.querySelector("[data-done]").textContent = data.done;
        section.querySelector("[data-total]").textContent = data.total;
        section.querySelector("[data-percent]").textContent = data.percent;
        Object.entries(data.counts).forEach(([status, count]) => {
          const cell = section.querySelector(`[data-status='${status}']`);
          if (cell) cell.textContent = count;
        });
        if (data.finished) {
          window.location.reload(); // shows the failed messages, if any, and stops asking
        } else {
          setTimeout(update, seconds * 1000);
        }
      })
      .catch(() => setTimeout(update, seconds * 4000));
  };
  setTimeout(update, seconds * 1000);
}


// --- The board: drag a session to another time or day, or its lower edge to change its length; Alt+arrows do
// the same from the keyboard. The server decides: each change is posted to the move endpoint (checked with the
// live conflict check, saved, one undo step), and the board is loaded again to show what was saved. What the
// server said is announced in the live region after the reload, and the moved session keeps the focus.
const SNAP = 15; // minutes, for drags and keys; the server snaps to 5
const DAY_MS = 24 * 60 * 60 * 1000;

function announce(text) {
  const live = document.getElementById("board-live");
  if (!live) return;
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 100);
}

function snapped(minutes) { return Math.round(minutes / SNAP) * SNAP; }
function hhmm(minutes) {
  const clamped = Math.max(0, Math.min(24 * 60 - 5, minutes));
  return `${String(Math.floor(clamped / 60)).padStart(2, "0")}:${String(clamped % 60).padStart(2, "0")}`;
}
function addDays(day, days) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function blockState(board, block) {
  return {
    day: block.closest("section.day").dataset.day,
    start: Number(block.dataset.top) + Number(board.dataset.firstHour) * 60,
    length: Number(block.dataset.length),
  };
}

function csrfToken() {
  const input = document.querySelector("#bulk-form input[name='csrfmiddlewaretoken']");
  return input ? input.value : "";
}

function postMove(board, block, day, start, length) {
  const body = new FormData();
  body.append("session", block.dataset.session);
  body.append("revision", block.dataset.revision);
  body.append("day", day);
  body.append("start", hhmm(start));
  body.append("length", String(Math.max(5, length)));
  block.classList.add("saving");
  announce(board.dataset.savingText || "…");
  return fetch(board.dataset.moveUrl, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
  })
    .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
    .then(({ ok, data }) => {
      const text = ok ? data.message : Object.values(data.errors || {}).flat().join(" ");
      sessionStorage.setItem("board-announce", text);
      sessionStorage.setItem("board-focus", block.id);
      window.location.reload();
    })
    .catch(() => {
      block.classList.remove("saving");
      announce(board.dataset.failedText || "");
    });
}

function dayUnder(block, x, y) {
  for (const element of document.elementsFromPoint(x, y)) {
    if (element === block || block.contains(element)) continue;
    const day = element.closest("section.day");
    if (day) return day.dataset.day;
  }
  return null;
}

function makeDraggable(board, block) {
  const handle = document.createElement("span");
  handle.className = "resize-handle";
  handle.setAttribute("aria-hidden", "true");
  block.appendChild(handle);
  block.querySelectorAll("a").forEach((link) => link.setAttribute("draggable", "false"));
  block.addEventListener("click", (event) => {
    if (block.dataset.dragged) { event.preventDefault(); event.stopPropagation(); delete block.dataset.dragged; }
  }, true);
  block.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || event.pointerType === "touch") return;
    if (event.target.closest("input, button, select, label")) return;
    const grid = block.closest(".day-grid");
    const perMinute = grid.getBoundingClientRect().height / Number(board.dataset.minutes);
    const resizing = event.target === handle;
    const origin = { x: event.clientX, y: event.clientY };
    const state = blockState(board, block);
    let moved = false;
    const minutesOf = (e) => snapped((e.clientY - origin.y) / perMinute);
    const onMove = (e) => {
      const dx = e.clientX - origin.x;
      const dy = e.clientY - origin.y;
      if (!moved && Math.hypot(dx, dy) < 5) return;
      moved = true;
      block.classList.add(resizing ? "resizing" : "dragging");
      if (resizing) {
        block.style.setProperty("--height", String(Math.max(SNAP, state.length + minutesOf(e))));
      } else {
        block.style.transform = `translate(${dx}px, ${minutesOf(e) * perMinute}px)`;
      }
    };
    const onUp = (e) => {
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", onUp);
      if (!moved) return;
      block.dataset.dragged = "yes";
      if (resizing) {
        postMove(board, block, state.day, state.start, Math.max(SNAP, state.length + minutesOf(e)));
        return;
      }
      const day = dayUnder(block, e.clientX, e.clientY) || state.day;
      postMove(board, block, day, state.start + minutesOf(e), state.length);
    };
    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onUp);
    event.preventDefault(); // no text selection while dragging
  });
}

function moveWithKeys(board, block) {
  block.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    let { day, start, length } = blockState(board, block);
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      const step = event.key === "ArrowUp" ? -SNAP : SNAP;
      if (event.shiftKey) length = Math.max(SNAP, length + step);
      else start += step;
    } else if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && !event.shiftKey) {
      day = addDays(day, event.key === "ArrowLeft" ? -1 : 1);
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    postMove(board, block, day, start, length);
  });
}

// The selected sessions' form shows only the fields its action uses.
function followBulkAction(form) {
  const action = form.querySelector("select[name='action']");
  if (!action) return;
  const uses = { shift: ["days", "minutes"], venue: ["venue"], confirm: [], cancel: [] };
  const show = () => {
    ["days", "minutes", "venue"].forEach((name) => {
      const field = form.querySelector(`[name='${name}']`);
      if (field) field.closest("div").hidden = !(uses[action.value] || []).includes(name);
    });
  };
  action.addEventListener("change", show);
  show();
}

function watchBoard(board) {
  board.querySelectorAll("li.block[data-session]").forEach((block) => {
    makeDraggable(board, block);
    moveWithKeys(board, block);
  });
  const said = sessionStorage.getItem("board-announce");
  const focus = sessionStorage.getItem("board-focus");
  sessionStorage.removeItem("board-announce");
  sessionStorage.removeItem("board-focus");
  if (focus && document.getElementById(focus)) document.getElementById(focus).focus();
  if (said) announce(said);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".board[data-move-url]").forEach(watchBoard);
  document.querySelectorAll("#bulk-form").forEach(followBulkAction);
  document.querySelectorAll("[data-board-details]").forEach(watchBoardDetails);
  document.querySelectorAll("form[data-check-url]").forEach(watchSessionForm);
  document.querySelectorAll("section[data-progress-url][data-finished='false']").forEach(pollDelivery);
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
});

// A card's title opens its details beside the board (times, venue, experts and their answers, conflicts, the
// edit link); without this script the title goes to the session's form.
function watchBoardDetails(container) {
  const panel = container.querySelector("[data-details-panel]");
  if (!panel) return;
  const close = () => {
    panel.hidden = true;
    container.classList.remove("open");
    container.querySelectorAll(".selected-details").forEach((card) => card.classList.remove("selected-details"));
  };
  container.addEventListener("click", (event) => {
    const link = event.target.closest("[data-details]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    const details = document.getElementById(link.dataset.details);
    if (!details) return;
    event.preventDefault();
    close();
    panel.querySelectorAll(".session-details").forEach((section) => { section.hidden = section !== details; });
    panel.hidden = false;
    container.classList.add("open");
    link.closest(".block").classList.add("selected-details");
    const heading = details.querySelector("h2");
    if (heading) heading.focus();
  });
  panel.querySelector("[data-details-close]").addEventListener("click", close);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && !panel.hidden) close(); });
}

