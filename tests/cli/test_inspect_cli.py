"""`gdlab inspect`: the inspector's chain rule for one weight as plain text, with the finite-
difference estimate, its bound and the verdict."""
import re

import pytest

from gdlab.cli import VERBS


def test_inspect_is_a_verb():
    assert "inspect" in VERBS


def test_spiral_deep_at_1000_prints_the_chain_rule_and_backprop_is_right(run_cli):
    code, out, err = run_cli("inspect", "spiral-deep", "--iterations", 1000, "--weight", "W2[3,6]")
    assert code == 0, err
    assert out.startswith("∂J/∂w for W2[3,6]: the weight from neuron 3 of layer 1 to neuron 6 of layer 2\n")
    assert "iteration 1000, the batch of 240 samples" in out
    assert "D₆ = [45(J₊₁ − J₋₁) − 9(J₊₂ − J₋₂) + (J₊₃ − J₋₃)] / 60ε with ε = 0.001" in out
    assert "error bound:        B = " in out
    assert out.splitlines()[-1].startswith("backprop is right (agrees within ±")
    assert not re.search(r"-\d|\d-|e-", out), "every printed minus is U+2212"


def test_one_sample_is_one_based_as_in_the_text(run_cli):
    code, out, _ = run_cli("inspect", "xor", "--weight", "W1[1,2]", "--sample", 3)
    assert code == 0
    assert "training sample 3 alone" in out and "the weight from x1 to neuron 2 of layer 1" in out


@pytest.mark.parametrize("args, words", [
    (["xor", "--weight", "W3[1,1]"], "no W3[1,1]: the network has weight layers W1 … W2"),
    (["xor", "--weight", "W1[3,1]"], "W1[i,j] needs 1 ≤ i ≤ 2"),
    (["xor", "--weight", "w1(1,1)"], "a weight reads like W2[3,6]"),
    (["xor", "--weight", "W1[1,1]", "--sample", 100000], "the training set has samples 1 …"),
    (["lr-too-large", "--weight", "W1[1,1]"], "is a cost-surface race"),
    (["no-such-preset", "--weight", "W1[1,1]"], "no-such-preset"),
])
def test_bad_arguments_exit_2_with_a_sentence(run_cli, args, words):
    code, out, err = run_cli("inspect", *args)
    assert code == 2 and out == ""
    assert words in err, err


def test_the_weight_is_required(run_cli):
    code, _, err = run_cli("inspect", "xor")
    assert code == 2 and "--weight" in err
