"""Sampling error of diffusion (masked) language models."""

from __future__ import annotations

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F1, seed, syms, variable


def rates() -> list[Rate]:
    T, I = syms("T I")
    cite = seed("A Convergence Theory for Diffusion Language Models: An Information-Theoretic "
                "Perspective", (F1,),
                "Our analysis demonstrates that the sampling error, measured by the "
                "Kullback-Leibler (KL) divergence, decays inversely with the number of "
                "iterations T and scales linearly with the mutual information between tokens "
                "in the target text sequence.",
                authors="Li, Cai", year=2025, arxiv="2505.21400")
    steps = variable("T", "number of sampling iterations (unmasking steps)")
    conv = ("KL(p_data || p_output) of the sampler with an exact mask predictor; I is the "
            "mutual-information quantity of the target sequence defined in the paper")
    return [
        Rate("diffusion_lm.kl", I / T, kind="upper", quantity="convergence",
             setting="diffusion", algorithm="masked diffusion LM sampler", main_var="T",
             variables=[steps], monotone=["I"], citation=cite, convention=conv,
             lower_bound="diffusion_lm.lower",
             note="Constants hidden; training error adds a separate term."),
        Rate("diffusion_lm.lower", I / T, kind="lower", quantity="convergence",
             setting="diffusion", algorithm="masked diffusion LM sampler (worst case)",
             main_var="T", variables=[steps], monotone=["I"], citation=cite,
             convention=conv,
             note="'matching upper and lower bounds, up to some constant factor'."),
    ]
