OK_FORMAT = False

import numpy as np
from otter.test_files import test_case

name = "saliency_map"


@test_case(points=1, hidden=False)
def test_one_non_negative_map_per_image_for_its_label(saliency_map, make_classifier):
    """images (2, 6, 5, 3) give maps (2, 6, 5), none negative; one image with labels [3, 0] gets two maps"""
    model = make_classifier("cnn", (6, 5, 3), 4, seed=1)
    image = np.random.default_rng(1).uniform(0, 1, size=(1, 6, 5, 3)).astype(np.float32)
    maps = np.asarray(saliency_map(model, np.concatenate([image, image]), [3, 0]))
    assert maps.shape == (2, 6, 5), \
        f"saliency_map returned shape {maps.shape} for images (2, 6, 5, 3); expected (2, 6, 5)"
    assert (maps >= 0).all(), f"saliency_map returned negative values (min {maps.min():.3g}); take absolute values"
    assert not np.allclose(maps[0], maps[1]), \
        "the same image with labels 3 and 0 got the same map; each image's map is for the logit of its own label"


@test_case(points=1, hidden=False)
def test_matches_finite_differences_of_the_label_logit(saliency_map, make_classifier):
    """max over channels of |d logit[label] / d pixel|, checked by central finite differences of the logit"""
    model = make_classifier("mlp", (4, 3, 2), 3, seed=4)
    images = np.random.default_rng(4).uniform(0.2, 0.8, size=(2, 4, 3, 2)).astype(np.float32)
    labels = [2, 0]
    maps = np.asarray(saliency_map(model, images, labels), dtype=np.float64)
    assert maps.shape == (2, 4, 3), \
        f"saliency_map returned shape {maps.shape} for images (2, 4, 3, 2); expected (2, 4, 3)"
    h, n = 1e-2, images[0].size
    for b, label in enumerate(labels):
        steps = (h * np.eye(n)).reshape(n, *images.shape[1:])
        up = np.asarray(model((images[b] + steps).astype(np.float32)), dtype=np.float64)[:, label]
        down = np.asarray(model((images[b] - steps).astype(np.float32)), dtype=np.float64)[:, label]
        expected = np.abs((up - down) / (2 * h)).reshape(images.shape[1:]).max(axis=-1)
        assert np.allclose(maps[b], expected, rtol=0.02, atol=1e-3 * expected.max()), \
            f"image {b}: saliency_map returned {np.round(maps[b], 4).tolist()}, but finite differences of the " \
            f"logit of label {label} give {np.round(expected, 4).tolist()} (the logit, not the probability or " \
            f"the loss; the absolute value, then the maximum over channels)"
