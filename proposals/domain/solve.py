"""Solving: the best programme found within the time limit and whether it is proven best; a repair that
moves as few sessions as it can; and, when there is none, the smallest set of rules that cannot all hold."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from proposals.domain.model import Built, build
from proposals.domain.score import moved, score_lines
from proposals.domain.values import Placement, Problem, Proposal, Reason, Status


@dataclass(frozen=True, slots=True)
class Progress:
    """A better programme was found: its objective, the best bound so far, seconds since the start."""

    objective: int
    bound: int
    seconds: float
    solutions: int


OnProgress = Callable[[Progress], None]


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: OnProgress | None) -> None:
        super().__init__()
        self.on_progress = on_progress
        self.solutions = 0
        self.first_seconds: float | None = None
        self.started = time.monotonic()

    def on_solution_callback(self) -> None:
        self.solutions += 1
        seconds = time.monotonic() - self.started
        if self.first_seconds is None:
            self.first_seconds = seconds
        if self.on_progress is not None:
            self.on_progress(
                Progress(int(self.objective_value), int(self.best_objective_bound), seconds, self.solutions)
            )


@dataclass(frozen=True)
class Run:
    """A proposal and how the search went: for the benchmark and the stored result."""

    proposal: Proposal
    first_seconds: float | None
    solutions: int


def propose(problem: Problem, *, on_progress: OnProgress | None = None) -> Proposal:
    return solve(problem, on_progress=on_progress).proposal


def solve(problem: Problem, *, on_progress: OnProgress | None = None) -> Run:
    started = time.monotonic()
    built = build(problem)
    built.model.minimize(built.objective(problem))
    # Try each session's earliest start first: a first programme comes as a greedy one would, then improves.
    starts = [built.start[w.key] for w in problem.wanted]
    built.model.add_decision_strategy(starts, cp_model.CHOOSE_FIRST, cp_model.SELECT_MIN_VALUE)
    solver = _solver(problem)
    watcher = _Watcher(on_progress)
    code = solver.solve(built.model, watcher)
    seconds = time.monotonic() - started
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        placements = _placements(problem, built, solver)
        return Run(
            Proposal(
                status=Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE,
                placements=placements,
                score=score_lines(problem, placements),
                bound=int(solver.best_objective_bound),
                seconds=seconds,
                moved=tuple(moved(problem, placements)),
            ),
            watcher.first_seconds,
            watcher.solutions,
        )
    if code == cp_model.INFEASIBLE:
        return Run(Proposal(Status.INFEASIBLE, seconds=seconds, reasons=explain(problem)), None, 0)
    return Run(Proposal(Status.UNKNOWN, seconds=seconds), None, 0)


def _solver(problem: Problem, *, seconds: float | None = None) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds or problem.horizon.time_limit_seconds
    solver.parameters.num_workers = problem.horizon.workers
    return solver


def _placements(problem: Problem, built: Built, solver: cp_model.CpSolver) -> tuple[Placement, ...]:
    grid = built.grid
    placed = []
    for wanted in problem.wanted:
        start = solver.value(built.start[wanted.key])
        expert = next((e for e, lit in built.expert[wanted.key].items() if solver.boolean_value(lit)), None)
        venue = next((v for v, lit in built.venue[wanted.key].items() if solver.boolean_value(lit)), None)
        placed.append(
            Placement(wanted.key, grid.moment(start), grid.moment(start + wanted.minutes), expert, venue)
        )
    return tuple(sorted(placed, key=lambda p: (p.start, p.key)))


# --- Explaining ---------------------------------------------------------------------------------------------


def explain(problem: Problem) -> tuple[Reason, ...]:
    """The smallest set of rule groups found that cannot hold together.

    CP-SAT's `sufficient_assumptions_for_infeasibility` gives a set that is enough, not always the smallest;
    each member is then dropped in turn and kept out when the rest still cannot hold (deletion), so every
    reason given is needed."""
    built = build(problem, explain=True)
    core = _core(problem, built, [lit.index for lit in built.assumptions])
    if core is None:
        return ()
    needed = list(core)
    for index in list(core):
        trial = [i for i in needed if i != index]
        if _core(problem, built, trial) is not None:
            needed = trial
    return tuple(built.reasons[i] for i in needed)


def _core(problem: Problem, built: Built, assumed: list[int]) -> list[int] | None:
    """The assumptions (by index) sufficient for infeasibility among those assumed, or None if they can all
    hold. An assumption not assumed is free: the solver may drop its rule."""
    model = built.model
    model.clear_assumptions()
    model.add_assumptions([built.literal(i) for i in assumed])
    solver = _solver(problem, seconds=max(1.0, problem.horizon.time_limit_seconds / 4))
    solver.parameters.num_workers = 1  # the core is read from a single worker
    code = solver.solve(model)
    if code != cp_model.INFEASIBLE:
        return None
    return list(solver.sufficient_assumptions_for_infeasibility())
