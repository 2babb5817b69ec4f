"""Properties, static methods, default arguments and methods calling methods,
from Python and from compiled code, against the plain class."""

import numpy as np
import pytest

import ember
from ember.runtime import stats

from .classes import ACCOUNT_SPEC, Account

JitAccount = ember.jitclass(ACCOUNT_SPEC)(Account)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked memory"


def pair(*args):
    return Account(*args[:1], np.zeros(4), *args[1:]), JitAccount(*args[:1], np.zeros(4),
                                                                 *args[1:])


def test_methods_defaults_and_keywords_from_python():
    plain, compiled = pair(10.0)
    for account in (plain, compiled):
        account.deposit(5.0)
        account.deposit(2.0, 0.0)
        account.deposit(1.0, fee=0.25)
    assert compiled.balance == plain.balance and compiled.count == plain.count == 3
    np.testing.assert_array_equal(compiled.history, plain.history)
    assert compiled.summary() == plain.summary()
    assert compiled.summary(scale=2.0) == plain.summary(scale=2.0)
    assert compiled.limits == plain.limits == (0.0, 1e9)


def test_property_getter_and_setter():
    plain, compiled = pair(3.0, (0.0, 100.0))
    assert compiled.doubled == plain.doubled == 6.0
    compiled.doubled = plain.doubled = 50.0
    assert compiled.balance == plain.balance == 25.0
    compiled.deposit(1000.0)
    plain.deposit(1000.0)
    assert compiled.balance == plain.balance == 100.0  # clamped by the static method


def test_static_method_from_python():
    assert JitAccount.clamp(5.0, 0.0, 2.0) == Account.clamp(5.0, 0.0, 2.0) == 2.0
    assert JitAccount(1.0, np.zeros(1)).clamp(-1.0, 0.0, 2.0) == 0.0


def test_members_from_compiled_code():
    @ember.njit
    def run(account, amounts):
        for amount in amounts:
            account.deposit(amount)
        account.doubled = account.doubled + 1.0
        return account.summary(2.0), JitAccount.clamp(account.balance, 0.0, 1.0), account.count

    def reference(account, amounts):
        for amount in amounts:
            account.deposit(amount)
        account.doubled = account.doubled + 1.0
        return account.summary(2.0), Account.clamp(account.balance, 0.0, 1.0), account.count

    amounts = np.array([1.0, 2.5, -0.5, 4.0, 3.0])
    plain, compiled = pair(2.0)
    assert run(compiled, amounts) == reference(plain, amounts)
    assert compiled.balance == plain.balance  # mutations in compiled code are seen in Python
    np.testing.assert_array_equal(compiled.history, plain.history)


def test_omitted_default_arguments_take_the_native_call_path(monkeypatch):
    account = JitAccount(1.0, np.zeros(2))
    assert account.summary() == account.summary(1.0)  # compiles (JitAccount, float64) once
    dispatcher = JitAccount.summary
    slow_calls = []
    original = type(dispatcher)._slow_call
    monkeypatch.setattr(type(dispatcher), "_slow_call",
                        lambda self, args: slow_calls.append(args) or original(self, args))
    assert account.summary() == account.summary(1.0) == account.summary(scale=1.0)
    assert len(slow_calls) == 1  # only the keyword call: keywords take the slow path
