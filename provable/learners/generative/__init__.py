"""Learning with a generative model: plug-in (certainty-equivalence) planning for
discounted and average-reward MDPs; the exact sampler of masked diffusion language
models (:mod:`provable.learners.generative.diffusion`).

Examples
--------
>>> import provable as pv
>>> from provable.learners import generative
>>> generative.plug_in(pv.mdp.river_swim(3), n=50, seed=0).P_hat.shape
(3, 2, 3)
"""

from provable.learners.generative._plugin import (
    PLUG_IN_MUTATIONS,
    PlugInResult,
    plug_in,
    plug_in_policies,
    sample_model,
)

__all__ = ["PLUG_IN_MUTATIONS", "PlugInResult", "plug_in", "plug_in_policies", "sample_model"]
