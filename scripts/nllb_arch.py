"""The NLLB-200 architecture as a transformers M2M100 configuration, shared by the model scripts."""

from __future__ import annotations


def nllb_config(tok, *, vocab_size: int, d_model: int, layers: int, heads: int, ffn: int):
    """An M2M100Config shaped like NLLB-200 (pre-norm, ReLU, scaled tied embeddings, sinusoidal
    positions, decoding started by </s>), sized by the arguments, without dropout."""
    from transformers import M2M100Config

    return M2M100Config(
        vocab_size=vocab_size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=1024,
        scale_embedding=True,
        activation_function="relu",
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.eos_token_id,
        tie_word_embeddings=True,
    )
