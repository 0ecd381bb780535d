"""scvi-tools users' calls, run as written on PBMC 3k (a small subset, 2 epochs): each must run with scvi-tools' meaning.

Every idiom of the issue's table is counted here (training, history, saving and loading spellings too; they are also
tested where they are built); the test prints how many run as written."""
import os, tempfile
import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("SCVI_NB_DATA") and not os.path.exists(os.path.expanduser("~/.cache/scvi_nb")),
                                reason="needs the PBMC 3k file (SCVI_NB_DATA)")

def _pbmc():
    import scipy.sparse as sp
    from scvi_nb.data import load_pbmc3k
    a = load_pbmc3k()
    mt = np.asarray(a.var.get("gene_symbols", a.var_names).astype(str).str.upper().str.startswith("MT-"))
    tot = np.asarray(a.X.sum(1)).ravel()
    a.obs["percent_mito"] = 100 * np.asarray(a.X[:, mt].sum(1)).ravel() / tot
    rng = np.random.default_rng(0)
    a = a[rng.choice(a.n_obs, 400, replace=False)]
    a = a[:, np.argsort(-np.asarray(a.X.sum(0)).ravel())[:300]].copy()
    a.layers["counts"] = a.X.copy()
    a.obs["batch"] = rng.choice(["s1", "s2"], a.n_obs); a.obs["donor"] = rng.choice(["d1", "d2", "d3"], a.n_obs)
    a.obs["cell_type"] = a.obs["cell_type"].astype(str)
    return a

def test_scvi_tools_calls_run_as_written():
    import scvi_nb
    from scvi_nb import SCVI, SCANVI
    adata = _pbmc()
    ok, failed = [], {}
    def call(name, f):
        try: out = f(); ok.append(name); return out
        except Exception as e: failed[name] = f"{type(e).__name__}: {e}"[:200]
    call("scvi.settings.seed = 0", lambda: setattr(scvi_nb.settings, "seed", 0))
    call("SCVI.setup_anndata(adata, layer=, batch_key=, labels_key=, categorical_covariate_keys=, continuous_covariate_keys=)",
         lambda: SCVI.setup_anndata(adata, layer="counts", batch_key="batch", labels_key="cell_type",
                                    categorical_covariate_keys=["donor"], continuous_covariate_keys=["percent_mito"]))
    model = call("SCVI(adata)", lambda: SCVI(adata))
    call("SCVI(adata, gene_likelihood='nb', n_layers=2, n_latent=30, dispersion='gene-batch')",
         lambda: SCVI(adata, gene_likelihood="nb", n_layers=2, n_latent=30, dispersion="gene-batch"))
    call("SCVI(adata, use_layer_norm='both', use_batch_norm='none', encode_covariates=True, dropout_rate=0.2, n_layers=2)",
         lambda: SCVI(adata, use_layer_norm="both", use_batch_norm="none", encode_covariates=True, dropout_rate=0.2, n_layers=2))
    call("model.train(max_epochs=, plan_kwargs={lr, weight_decay, n_epochs_kl_warmup}, early_stopping_monitor=)",
         lambda: model.train(max_epochs=2, plan_kwargs={"lr": 1e-3, "weight_decay": 1e-6, "n_epochs_kl_warmup": 1},
                             early_stopping_monitor="elbo_validation", enable_progress_bar=False))
    for k in ("elbo_train", "reconstruction_loss_train", "kl_local_train", "elbo_validation"):
        call(f"model.history['{k}']", lambda: model.history[k].iloc[:, 0].to_numpy())
    assert (model.history["elbo_validation"].to_numpy() > 0).all()   # scvi-tools' sign: the ELBO as a loss
    z = call("model.get_latent_representation()", lambda: model.get_latent_representation())
    assert z.shape == (adata.n_obs, 10)
    m_v = call("get_latent_representation(adata=None, indices=idx, give_mean=True, return_dist=True)",
               lambda: model.get_latent_representation(adata=None, indices=np.arange(10), give_mean=True, return_dist=True))
    assert np.allclose(m_v[0], z[:10], atol=1e-5) and (m_v[1] > 0).all()
    ne = call("model.get_normalized_expression()", lambda: model.get_normalized_expression())
    assert np.allclose(ne.sum(1), 1, atol=1e-4)                   # scvi-tools' meaning: proportions
    call("get_normalized_expression(library_size=1e4, transform_batch='s1')",
         lambda: model.get_normalized_expression(library_size=1e4, transform_batch="s1"))
    call("get_normalized_expression(library_size='latent')", lambda: model.get_normalized_expression(library_size="latent"))
    call("posterior_predictive_sample(n_samples=2)", lambda: model.posterior_predictive_sample(n_samples=2))
    de = call("differential_expression(groupby='cell_type')", lambda: model.differential_expression(groupby="cell_type", n_cells=200))
    for c in ("is_de_fdr_0.05", "non_zeros_proportion1", "non_zeros_proportion2", "lfc_min", "lfc_max", "lfc_median", "lfc_std",
              "comparison", "group1", "group2", "bayes_factor", "proba_de", "lfc_mean", "raw_mean1", "scale1"):
        call(f"differential_expression(...)['{c}']", lambda: de[c])
    g = sorted(adata.obs.cell_type.unique())
    call("differential_expression(groupby=, group1=, group2=)",
         lambda: model.differential_expression(groupby="cell_type", group1=g[0], group2=g[1], n_cells=200))
    call("differential_expression(idx1=, idx2=)", lambda: model.differential_expression(
        idx1=(adata.obs.cell_type == g[0]).to_numpy(), idx2=(adata.obs.cell_type == g[1]).to_numpy(), n_cells=200))
    call("get_likelihood_parameters()", lambda: model.get_likelihood_parameters())
    call("get_latent_library_size()", lambda: model.get_latent_library_size())
    call("get_reconstruction_error()", lambda: model.get_reconstruction_error()["reconstruction_loss"])
    call("get_elbo()", lambda: model.get_elbo())
    call("get_marginal_ll(n_mc_samples=)", lambda: model.get_marginal_ll(n_mc_samples=5))
    adata.obs["seen"] = np.where(np.arange(adata.n_obs) % 3 == 0, "Unknown", adata.obs["cell_type"])
    call("SCANVI.from_scvi_model(m, unlabeled_category, labels_key=, adata=)",
         lambda: SCANVI.from_scvi_model(model, "Unknown", labels_key="seen", adata=adata))
    call("SCANVI.setup_anndata(adata, labels_key=, unlabeled_category=, batch_key=, layer=, categorical_covariate_keys=)",
         lambda: SCANVI.setup_anndata(adata, labels_key="seen", unlabeled_category="Unknown", batch_key="batch",
                                      layer="counts", categorical_covariate_keys=["donor"]))
    lvae = call("SCANVI(adata)", lambda: SCANVI(adata))
    call("SCANVI.train(max_epochs=, n_samples_per_label=)", lambda: lvae.train(max_epochs=2, n_samples_per_label=20, enable_progress_bar=False))
    call("SCANVI.predict()", lambda: lvae.predict())
    call("SCANVI.get_latent_representation()", lambda: lvae.get_latent_representation())
    with tempfile.TemporaryDirectory() as d:
        call("model.save(dir, overwrite=True, save_anndata=True)", lambda: model.save(f"{d}/m", overwrite=True, save_anndata=True))
        back = call("SCVI.load(dir)", lambda: SCVI.load(f"{d}/m"))
        assert np.allclose(back.get_latent_representation(), model.get_latent_representation(), atol=1e-5)
        model.save(f"{d}/ref")
        query = adata[:50].copy(); query.obs["batch"] = "query"
        call("SCVI.prepare_query_anndata(query, ref_dir)", lambda: SCVI.prepare_query_anndata(query, f"{d}/ref"))
        call("SCVI.load_query_data(query, ref_dir)", lambda: SCVI.load_query_data(query, f"{d}/ref"))
    n = len(ok) + len(failed)
    print(f"\n{len(ok)} of {n} scvi-tools calls run as written")
    for k, v in failed.items(): print(f"  not yet: {k}: {v}")
    assert not failed, failed
