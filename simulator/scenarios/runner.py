"""Running a scenario against a sandbox: in a tenant of its own (reset first), with a webhook
receiver of its own, step by step, stopping at the first step that fails."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from jinja2 import Environment, StrictUndefined, TemplateError

from ..journal.masking import excerpt
from ..merchant.caller import Answer, Caller
from ..providers import PROVIDERS
from ..services.clock import utc_now
from ..testing.sink import WebhookSink
from . import model as m
from .matching import Missing, differences, dig
from .report import Report, StepResult

#: A string that is one placeholder and nothing else.
_ALONE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)

#: How long an expectation waits for webhooks (sent by the sandbox in the background).
WEBHOOK_WAIT_SECONDS = 10.0

OnStep = Callable[[StepResult], None]


class StepFailed(AssertionError):
    pass


async def run_scenario(
    scenario: m.Scenario,
    url: str,
    tenant: str,
    *,
    token: str | None = None,
    seed: int | None = None,
    real_now: Callable[[], datetime] = utc_now,
    on_step: OnStep | None = None,
) -> Report:
    """Run every step; the report says which passed, and holds the transcript."""
    report = Report(scenario.name, tenant)
    with WebhookSink() as sink:
        async with Caller(url, tenant, token=token, real_now=real_now, seed=seed) as caller:
            run = _Run(scenario, caller, sink, seed, report)
            await run.all(on_step)
        run.record_received()
    report.transcript = _normalized(
        report.transcript, {url.rstrip("/"): "{sandbox}", sink.url: "{webhooks}"}
    )
    return report


class _Run:
    def __init__(
        self,
        scenario: m.Scenario,
        caller: Caller,
        sink: WebhookSink,
        seed: int | None,
        report: Report,
    ) -> None:
        self.scenario = scenario
        self.caller = caller
        self.sink = sink
        self.report = report
        self.hook = sink.url_for("scenario")
        self.values: dict[str, Any] = {
            "webhook_url": self.hook,
            "seed": seed,
            "credentials": {
                p.name: {"key": c.key, "secret": c.secret, **c.extra}
                for p in (provider.load() for provider in PROVIDERS)
                for c in p.default_credentials[:1]
            },
        }
        self.templates = Environment(undefined=StrictUndefined, autoescape=False)
        self.templates.filters["md5"] = _md5
        self.operations: dict[str, dict[str, tuple[str, str]]] = {}

    async def all(self, on_step: OnStep | None) -> None:
        await self._admin("POST", "/reset", {"tenant": self.caller.tenant})
        failed = False
        for number, step in enumerate(self.scenario.steps, start=1):
            name = step.name or _name_of(step, self.scenario.provider)
            started = time.perf_counter()
            if failed:
                result = StepResult(number, name, False, "not run: an earlier step failed", 0)
            else:
                try:
                    detail = await self.step(step)
                    passed = True
                except StepFailed as failure:
                    detail, passed, failed = str(failure), False, True
                took = round((time.perf_counter() - started) * 1000)
                result = StepResult(number, name, passed, detail, took)
            self.report.steps.append(result)
            if on_step is not None:
                on_step(result)

    async def step(self, step: Any) -> str:
        match step:
            case m.Call():
                return await self.call(step)
            case m.QueueOutcome():
                body = self.render(step.queue_outcome.model_dump(exclude_none=True))
                await self._admin("POST", "/outcomes", body)
                count, operation = body.get("count", 1), body["operation"]
                return f"queued {body['outcome']} for the next {count} {operation}"
            case m.Fault():
                body = self.render(step.fault)
                await self._admin("POST", "/faults", body)
                return f"queued {body.get('kind')} fault"
            case m.AdvanceClock():
                answer = await self._admin(
                    "POST", "/clock", {"advance_seconds": step.advance_clock}
                )
                return f"tenant time {answer['now']}; {answer['ticked']} payments ticked"
            case m.Challenge():
                choice = step.challenge
                payment = await self.payment(self.render(choice.reference), choice.provider)
                done = await self._admin(
                    "POST", f"/payments/{payment['id']}/challenge", {"choice": choice.choice}
                )
                return f"{choice.choice}: the payment is {done['status']}"
            case m.Execute():
                action = step.execute
                payment = await self.payment(self.render(action.reference), action.provider)
                body = self.render(action.model_dump(exclude={"reference", "provider"}))
                body = {k: v for k, v in body.items() if v not in (None, False)}
                done = await self._admin("POST", f"/payments/{payment['id']}/execute", body)
                return f"the payment is {done['status']}"
            case m.MerchantWebhook():
                hook = step.merchant_webhook
                provider = hook.provider or self.scenario.provider
                url = self.render(hook.url)
                path = f"/merchant-webhooks/{provider}/{self.render(hook.merchant)}"
                await self._admin("PUT", path, {"url": url})
                return f"{provider} merchant {hook.merchant}: webhooks to {url}"
            case m.Dispute():
                dispute = step.dispute
                payment = await self.payment(self.render(dispute.reference), dispute.provider)
                body = self.render(
                    dispute.model_dump(exclude_none=True, exclude={"reference", "provider"})
                )
                done = await self._admin("POST", f"/payments/{payment['id']}/dispute", body)
                return f"dispute {dispute.stage}: {done['disputed']} disputed"
            case m.ExpectPayment():
                return await self.expect_payment(step.expect_payment)
            case m.ExpectWebhook():
                return await self.expect_webhook(step.expect_webhook)
        raise StepFailed(f"unknown step {step!r}")

    # --- provider calls ---------------------------------------------------------------

    async def call(self, step: m.Call) -> str:
        provider, operation = self.split(step.call)
        method, template = await self.operation(provider, operation)
        params = {k: str(v) for k, v in self.render(step.path).items()}
        try:
            path = template.format(**params)
        except KeyError as missing:
            raise StepFailed(f"{step.call} needs path parameter {missing}") from None
        query = self.render(step.query)
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        body = self.render(step.body)
        answer = await self.caller.provider(provider, method, path, body)
        self.report.transcript.append(
            {
                "call": f"{provider}.{operation}",
                "request": excerpt(json.dumps(body).encode()) if body is not None else None,
                "status": answer.status,
                "answer": answer.body if answer.body is not None else answer.text,
            }
        )
        expected = step.expect
        if (
            expected is not None
            and expected.status is not None
            and answer.status != expected.status
        ):
            raise StepFailed(
                f"HTTP {answer.status}, expected {expected.status}: {answer.text[:300]}"
            )
        if expected is not None and expected.body is not None:
            found = differences(self.render(expected.body), answer.body)
            if found:
                raise StepFailed("; ".join(found[:5]))
        for name, where in step.save.items():
            try:
                self.values[name] = dig(answer.body, where)
            except Missing as missing:
                raise StepFailed(str(missing)) from None
        return f"{method} {path} → {answer.status}"

    def split(self, call: str) -> tuple[str, str]:
        provider, _, operation = call.rpartition(".")
        provider = provider or self.scenario.provider or ""
        if not provider:
            raise StepFailed(
                f"{call}: name the provider (provider.operation, or the scenario's provider)"
            )
        return provider, operation

    async def operation(self, provider: str, operation: str) -> tuple[str, str]:
        if provider not in self.operations:
            answer = await self.caller.http_get(f"/{provider}/openapi.json")
            if answer.status != 200 or not isinstance(answer.body, dict):
                raise StepFailed(f"the sandbox serves no provider {provider!r}")
            mount = answer.body["servers"][0]["url"].removeprefix(f"/{provider}")
            self.operations[provider] = {
                op["operationId"]: (method.upper(), mount + path)
                for path, ops in answer.body["paths"].items()
                for method, op in ops.items()
            }
        known = self.operations[provider]
        if operation not in known:
            raise StepFailed(
                f"{provider} has no operation {operation!r}; it has: {', '.join(known)}"
            )
        return known[operation]

    # --- expectations -----------------------------------------------------------------

    async def payment(self, reference: str, provider: str | None) -> Any:
        params = {"reference": reference, **({"provider": provider} if provider else {})}
        found = await self._admin(
            "GET", "/payments?" + "&".join(f"{k}={v}" for k, v in params.items())
        )
        if not found["payments"]:
            raise StepFailed(f"no payment with reference {reference!r}")
        return await self._admin("GET", f"/payments/{found['payments'][0]['id']}")

    async def expect_payment(self, expected: m.PaymentExpectation) -> str:
        reference = str(self.render(expected.reference))
        payment = await self.payment(reference, expected.provider or self.scenario.provider)
        wanted = self.render(
            expected.model_dump(exclude_none=True, exclude={"reference", "provider", "operations"})
        )
        found = differences(wanted, payment)
        if expected.operations is not None:
            ops = [
                {"kind": o["kind"], "status": o["status"], "amount": o["amount"]}
                for o in payment["operations"]
            ]
            want = [o.model_dump(exclude_none=True) for o in expected.operations]
            if len(ops) != len(want):
                found.append(f"operations: expected {want}, got {ops}")
            else:
                found.extend(
                    d
                    for w, o in zip(want, ops, strict=True)
                    for d in differences(w, o, "operations")
                )
        if found:
            raise StepFailed("; ".join(found[:5]))
        return (
            f"{payment['status']}: amount {payment['amount']}, captured {payment['captured']}, "
            f"refunded {payment['refunded']}"
        )

    async def expect_webhook(self, expected: m.WebhookExpectation) -> str:
        payment_id = None
        if expected.reference is not None:
            provider = expected.provider or self.scenario.provider
            payment_id = (await self.payment(str(self.render(expected.reference)), provider))["id"]
        deadline = time.monotonic() + WEBHOOK_WAIT_SECONDS
        while True:
            hooks = await self._admin(
                "GET", "/webhooks" + (f"?payment_id={payment_id}" if payment_id else "")
            )
            matching = [h for h in hooks["webhooks"] if h["event"] == expected.event]
            ready = len(matching) >= expected.count and all(
                expected.state is None or h["state"] == expected.state for h in matching
            )
            if ready or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.02)  # the dispatcher works in the background
        states = sorted(h["state"] for h in matching)
        if len(matching) != expected.count or not ready:
            raise StepFailed(
                f"{len(matching)} {expected.event} webhook(s) in state(s) {states or 'none'}; "
                f"expected {expected.count}" + (f" {expected.state}" if expected.state else "")
            )
        if expected.received:
            self.check_received(matching)
        attempts = sum(len(h["attempts"]) for h in matching)
        return f"{len(matching)} x {expected.event} ({', '.join(states)}), {attempts} attempt(s)"

    def check_received(self, deliveries: list[Any]) -> None:
        bodies = [d.body.decode("utf-8", "replace") for d in self.sink.deliveries]
        for hook in deliveries:
            for attempt in hook["attempts"]:
                sent = attempt["request"].removesuffix("…")
                if hook["url"] == self.hook and not any(body.startswith(sent) for body in bodies):
                    raise StepFailed(f"the receiver never got {hook['event']} {hook['id']}")

    def record_received(self) -> None:
        bodies = sorted(d.body.decode("utf-8", "replace") for d in self.sink.deliveries)
        self.report.transcript.append({"received": [excerpt(b.encode()) for b in bodies]})

    # --- plumbing ---------------------------------------------------------------------

    def render(self, value: Any) -> Any:
        try:
            if isinstance(value, str):
                return (
                    self.templates.from_string(value).render(self.values)
                    if "{{" in value
                    else value
                )
            if isinstance(value, dict):
                return {k: self.render(v) for k, v in value.items()}
            if isinstance(value, list):
                return [self.render(v) for v in value]
        except TemplateError as error:
            raise StepFailed(f"in {value!r}: {error}") from None
        return value

    async def _admin(self, method: str, path: str, body: Any = None) -> Any:
        answer: Answer = await self.caller.admin(method, path, body)
        if answer.status >= 400:
            raise StepFailed(f"{method} /_sandbox{path}: HTTP {answer.status} {answer.text[:300]}")
        return answer.body


def _md5(text: Any) -> str:
    """``{{ (a ~ '|' ~ b) | md5 }}``: the lowercase hex MD5 a provider's checksum wants."""
    return hashlib.md5(str(text).encode()).hexdigest()


def _name_of(step: Any, provider: str | None) -> str:
    match step:
        case m.Call():
            return step.call if "." in step.call or provider is None else f"{provider}.{step.call}"
        case m.QueueOutcome():
            return f"queue {step.queue_outcome.outcome} for {step.queue_outcome.operation}"
        case m.Fault():
            return f"fault: {step.fault.get('kind')}"
        case m.AdvanceClock():
            return f"advance the clock {step.advance_clock:g} s"
        case m.Challenge():
            return f"3-D Secure: {step.challenge.choice}"
        case m.Execute():
            done = [
                k
                for k in ("contactless", "pin", "remove_card", "abort")
                if getattr(step.execute, k)
            ]
            return "at the terminal: " + (", ".join(done) or "present the card")
        case m.MerchantWebhook():
            return f"register the webhook URL of merchant {step.merchant_webhook.merchant}"
        case m.Dispute():
            return f"dispute: {step.dispute.stage}"
        case m.ExpectPayment():
            return f"expect payment {step.expect_payment.reference}"
        case m.ExpectWebhook():
            return f"expect webhook {step.expect_webhook.event}"
    return "step"


def _normalized(transcript: list[dict[str, Any]], origins: dict[str, str]) -> list[dict[str, Any]]:
    """The transcript without the addresses a run happened to get (ports differ run to run)."""
    text = json.dumps(transcript, sort_keys=True)
    for origin, name in origins.items():
        text = text.replace(origin, name)
    normalized: list[dict[str, Any]] = json.loads(text)
    return normalized
